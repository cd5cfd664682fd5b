import type { Deployment } from "../domain/deployment.js";
import type { Ports } from "./ports.js";
import { buildView } from "./view.js";

/**
 * One render of a deploy's message: the deploy as stored when it was drawn (with its message's place once posted),
 * and what Slack answered when it did not take it.
 */
export interface Shown {
  d: Deployment | undefined;
  error?: unknown;
}

/** The message of one deploy: at most one render in flight; requests meanwhile wait for the next one. */
interface Slot {
  ports: Ports;
  dirty: boolean;
  running: boolean;
  timer: NodeJS.Timeout | undefined;
  deadline: number;
  waiters: ((shown: Shown) => void)[];
}

/** By store, then deploy id: two Gantrys in one process (tests, the bench) each have their own deploys. */
const byStore = new WeakMap<object, Map<number, Slot>>();
/** By store: who waits for every message asked for so far to be drawn. */
const idleWaiters = new WeakMap<object, (() => void)[]>();

/** Settles once no deploy message of this store has a render in flight or held. */
export function drawn(store: object): Promise<void> {
  if (!byStore.get(store)?.size) return Promise.resolve();
  return new Promise((resolve) => {
    const list = idleWaiters.get(store) ?? [];
    list.push(resolve);
    idleWaiters.set(store, list);
  });
}

function forget(store: object, slots: Map<number, Slot>, id: number): void {
  slots.delete(id);
  if (slots.size) return;
  for (const w of idleWaiters.get(store)?.splice(0) ?? []) w();
}

function slotsOf(ports: Ports): Map<number, Slot> {
  let slots = byStore.get(ports.store);
  if (!slots) byStore.set(ports.store, (slots = new Map()));
  return slots;
}

/**
 * Asks for deploy `id`'s message to show what the store holds. Changes that arrive while a render is in flight are
 * folded into the next one, which reads the store again: each message has at most one post or chat.update in flight,
 * the newest state is always the last one drawn, and any replica may ask (it renders the record, not the event).
 * `withinMs`: the caller expects another change soon (a dispatch), so the render may wait that long for it; any
 * request without a wait draws at once. A message not posted yet (or that Slack did not take) is posted.
 * Resolves with the render that covered this request; never rejects.
 */
export function show(ports: Ports, id: number, withinMs = 0): Promise<Shown> {
  const slots = slotsOf(ports);
  let slot = slots.get(id);
  if (!slot) {
    slot = { ports, dirty: false, running: false, timer: undefined, deadline: Infinity, waiters: [] };
    slots.set(id, slot);
  }
  const s = slot;
  s.ports = ports;
  s.dirty = true;
  const shown = new Promise<Shown>((resolve) => s.waiters.push(resolve));
  if (s.running) return shown;
  const due = Date.now() + Math.max(0, withinMs);
  if (withinMs > 0 && due >= s.deadline) return shown;
  if (withinMs > 0) {
    clearTimeout(s.timer);
    s.deadline = due;
    s.timer = setTimeout(() => void drain(id, s), withinMs);
    // A held render never keeps the process up: shutdown waits for the work that would flush it instead.
    s.timer.unref();
    return shown;
  }
  void drain(id, s);
  return shown;
}

async function drain(id: number, s: Slot): Promise<void> {
  clearTimeout(s.timer);
  s.timer = undefined;
  s.deadline = Infinity;
  if (s.running) return;
  s.running = true;
  try {
    while (s.dirty) {
      s.dirty = false;
      const waiters = s.waiters.splice(0);
      const shown = await render(s.ports, id);
      for (const w of waiters) w(shown);
    }
  } finally {
    s.running = false;
    if (!s.dirty && !s.timer) forget(s.ports.store, slotsOf(s.ports), id);
  }
}

async function render(ports: Ports, id: number): Promise<Shown> {
  let d: Deployment | undefined;
  try {
    d = await ports.store.getDeployment(id);
    if (!d?.slackChannel) return { d };
    const view = await buildView(ports, d);
    if (d.slackTs) {
      await ports.notifier.updateDeploy(d, view);
      return { d };
    }
    const posted = await ports.notifier.postDeploy(d, view);
    d = await ports.store.patch(
      id,
      { slackChannel: posted.channel, slackTs: posted.ts },
      ports.clock.now().toISOString(),
    );
    return { d };
  } catch (err) {
    ports.log.warn({ deployId: id, err }, "could not show the deploy message; the next change tries again");
    return { d, error: err };
  }
}
