/**
 * Webhook deliveries as GitHub makes them: a JSON POST per event, signed with the hook's secret (HMAC-SHA256 in
 * `X-Hub-Signature-256`, and the legacy SHA-1 in `X-Hub-Signature`), one GUID per delivery in `X-GitHub-Delivery`
 * (kept on a redelivery), a 10 s timeout. Deliveries go out one at a time in the order the events happened, never
 * inside the API request that caused them, and every one is recorded with its outcome; failures are only recorded.
 */
import { createHmac, randomUUID } from "node:crypto";

export interface WebhookConfig {
  /** Where deliveries are POSTed, e.g. `http://127.0.0.1:3000/github/webhooks`. */
  url: string;
  secret: string;
  /** The events to send (default: all the emulator makes: workflow_run, deployment, deployment_status). */
  events?: string[];
}

export interface WebhookDelivery {
  /** `X-GitHub-Delivery`: the same on a redelivery. */
  id: string;
  event: string;
  action: string | null;
  url: string;
  payload: Record<string, unknown>;
  /** The exact bytes sent (and signed). */
  body: string;
  /** `sha256=<hex>`. */
  signature: string;
  redelivery: boolean;
  /** The response status, once answered; null while pending or when it failed. */
  status: number | null;
  /** Why it failed (connection refused, timeout, emulator stopped), if it did. */
  error: string | null;
  deliveredAt: number | null;
}

/** GitHub gives up on a delivery after 10 seconds. */
const DELIVERY_TIMEOUT_MS = 10_000;
const HOOK_ID = "480000001";

export function signWebhook(secret: string, body: string, algorithm: "sha256" | "sha1" = "sha256"): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest("hex")}`;
}

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private hook: WebhookConfig | undefined;
  private queue: Promise<void> = Promise.resolve();
  private aborter = new AbortController();

  constructor(private readonly onDelivered: (d: WebhookDelivery) => void) {}

  configure(hook: WebhookConfig | undefined): void {
    this.hook = hook && { ...hook };
  }

  /** Queues a delivery of `event` if a hook wants it; returns its record (pending until sent). */
  send(event: string, payload: Record<string, unknown>): WebhookDelivery | undefined {
    const hook = this.hook;
    if (!hook || (hook.events && !hook.events.includes(event))) return undefined;
    const body = JSON.stringify(payload);
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      event,
      action: typeof payload.action === "string" ? payload.action : null,
      url: hook.url,
      payload,
      body,
      signature: signWebhook(hook.secret, body),
      redelivery: false,
      status: null,
      error: null,
      deliveredAt: null,
    };
    this.enqueue(delivery, hook.secret);
    return delivery;
  }

  /** Sends a past delivery again, as "Redeliver" in GitHub's UI does: same GUID, same body, signed with today's secret. */
  redeliver(id: string): Promise<WebhookDelivery> {
    const original = this.deliveries.find((d) => d.id === id);
    if (!original) throw new Error(`unknown delivery ${id}`);
    const hook = this.hook;
    if (!hook) throw new Error("no webhook configured; call setWebhook() first");
    const delivery: WebhookDelivery = {
      ...original,
      url: hook.url,
      signature: signWebhook(hook.secret, original.body),
      redelivery: true,
      status: null,
      error: null,
      deliveredAt: null,
    };
    return this.enqueue(delivery, hook.secret).then(() => delivery);
  }

  /** Resolves when every queued delivery has been answered or has failed. */
  async idle(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== this.queue;) {
      seen = this.queue;
      await seen;
    }
  }

  /** Fails what is queued or in flight (the emulator is stopping); later events are delivered again. */
  abortAll(): void {
    this.aborter.abort(new Error("emulator stopped"));
    this.aborter = new AbortController();
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  private enqueue(delivery: WebhookDelivery, secret: string): Promise<void> {
    this.deliveries.push(delivery);
    const signal = this.aborter.signal;
    const sent = this.queue.then(() => this.post(delivery, secret, signal));
    this.queue = sent;
    return sent;
  }

  private async post(delivery: WebhookDelivery, secret: string, stopped: AbortSignal): Promise<void> {
    try {
      if (stopped.aborted) throw stopped.reason;
      const res = await fetch(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/emulator",
          "x-github-event": delivery.event,
          "x-github-delivery": delivery.id,
          "x-github-hook-id": HOOK_ID,
          "x-github-hook-installation-target-type": "repository",
          "x-hub-signature": signWebhook(secret, delivery.body, "sha1"),
          "x-hub-signature-256": delivery.signature,
        },
        body: delivery.body,
        signal: AbortSignal.any([stopped, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
      });
      await res.arrayBuffer();
      delivery.status = res.status;
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
    }
    delivery.deliveredAt = Date.now();
    try {
      this.onDelivered(delivery);
    } catch (err) {
      console.error("GitHubEmulator: a delivery listener threw", err);
    }
  }
}
