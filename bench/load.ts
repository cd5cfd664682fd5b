/** Load on loopback: signed slash commands at a fixed concurrency (closed loop) or a fixed rate (open loop). */
import type { SlackSigningClient } from "../sandbox/slack/signing-client.js";
import { CHANNEL, USER } from "./world.js";

export interface Sample {
  ms: number;
  status: number;
  /** An accepted deploy is acknowledged with an empty body; a refusal or an error says why. */
  accepted: boolean;
}

export type TextFor = (i: number) => string;

async function sendOne(client: SlackSigningClient, text: string, started: number): Promise<Sample> {
  try {
    const res = await client.command(USER, "/deploy", text, { channel: CHANNEL });
    return { ms: performance.now() - started, status: res.status, accepted: res.status === 200 && res.body === "" };
  } catch {
    return { ms: performance.now() - started, status: 0, accepted: false };
  }
}

/** `count` commands from `concurrency` clients, each sending its next one as soon as the last is answered. */
export async function closedLoop(
  client: SlackSigningClient,
  count: number,
  concurrency: number,
  textFor: TextFor,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) samples.push(await sendOne(client, textFor(i), performance.now()));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return samples;
}

/**
 * `count` commands at `rate` per second whatever the answers: latency counts from when each was due, so a server
 * that falls behind is charged for the queue it builds (no coordinated omission). Resolves with the samples and the
 * achieved rate (answers per second of wall time).
 */
export async function openLoop(
  client: SlackSigningClient,
  count: number,
  rate: number,
  textFor: TextFor,
  maxOpen = 256,
): Promise<{ samples: Sample[]; achieved: number }> {
  const t0 = performance.now();
  const pending: Promise<Sample>[] = [];
  let i = 0;
  let open = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      // At most `maxOpen` open at once, so the generator's own sockets are not what is measured; one that waits is
      // still charged from when it was due.
      while (i < count && open < maxOpen && t0 + (i * 1000) / rate <= now) {
        const due = t0 + (i * 1000) / rate;
        open++;
        pending.push(sendOne(client, textFor(i), due).finally(() => open--));
        i++;
      }
      if (i < count) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const samples = await Promise.all(pending);
  const wall = performance.now() - t0;
  return { samples, achieved: (count * 1000) / wall };
}
