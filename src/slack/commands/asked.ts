import type { Asked } from "../../deploy/ask.js";
import type { Ports } from "../../deploy/ports.js";
import { deployRefusalMessage } from "../messages/refusals.js";
import type { CommandReply } from "./types.js";

/** A deploy asked for: launched once the acknowledgement is out, or the refusal in words. */
export function askedReply(ports: Pick<Ports, "clock">, asked: Asked): CommandReply {
  return asked.ok ? { after: asked.launch } : { ack: deployRefusalMessage(asked.refusal, ports.clock.now()) };
}
