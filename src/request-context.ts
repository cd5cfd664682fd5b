import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** What every log line written while handling one Slack request carries, through GitHub and Jira calls too. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with a fresh request id that pino adds to every line logged inside it. */
export function withRequest<T>(work: () => Promise<T>): Promise<T> {
  return storage.run({ requestId: randomUUID() }, work);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
