import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * A modal's private_metadata travels through Slack's client and comes back in the submission: anyone holding the
 * view could send it back changed. Gantry signs what it puts there, bound to the form and the person it opened it
 * for, and reads back only what it signed; anything else is as good as absent.
 */
export class MetadataSeal {
  private readonly key: Buffer;

  /** `secret`: one the process already has and every replica shares (the signing secret, else the app token). */
  constructor(secret: string) {
    this.key = createHmac("sha256", secret).update("gantry/private_metadata/v1").digest();
  }

  seal(form: string, user: string, data: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(data)).toString("base64url");
    return `${body}.${this.mac(form, user, body)}`;
  }

  /** What `seal` put there for this form and person, or undefined for anything Gantry did not sign so. */
  open(form: string, user: string, text: string): Record<string, unknown> | undefined {
    if (typeof text !== "string") return undefined;
    const [body, mac, extra] = text.split(".");
    if (!body || !mac || extra !== undefined) return undefined;
    const given = Buffer.from(mac);
    const expected = Buffer.from(this.mac(form, user, body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const value: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(form: string, user: string, body: string): string {
    return createHmac("sha256", this.key).update(`${form}\n${user}\n${body}`).digest("base64url");
  }
}

/** A string field of opened metadata, or undefined. */
export function stringField(data: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = data?.[name];
  return typeof value === "string" ? value : undefined;
}
