import type { Ports } from "./deploy/ports.js";
import type { SlackPort } from "./slack/port.js";

/**
 * The composition root's ports: the deploy use cases' own, plus Slack for the adapters that speak it (the Slack
 * front door, the digest job, outside-deployment announcements). src/deploy never sees `slack`.
 */
export type AppPorts = Ports & { slack: SlackPort };
