export { SlackEmulator, type SlackEmulatorEvents } from "./emulator.js";
export {
  SlackSigningClient,
  slackSignature,
  type BotResponse,
  type SendOptions,
  type SigningClientOptions,
} from "./signing-client.js";
export { SlackPayloads, userNameFor, type ButtonClick, type ViewSubmission } from "./payloads.js";
export type { SuggestionRequest, ViewBlockAction, ViewButtonClick, ViewRef, ViewSelect } from "./payloads-views.js";
export { clientErrors, statefulElements, viewState, type StatefulElement, type ViewValues } from "./view-state.js";
export {
  renderBlocks,
  renderFile,
  renderMessageForTerminal,
  type RenderOptions,
  type RenderedMessage,
  type TerminalOptions,
} from "./render-text.js";
export { mrkdwnToText, type NameLookup } from "./mrkdwn.js";
export type { RenderedButton } from "./buttons.js";
export type { SocketAck, SocketModeServer } from "./socket.js";
export type * from "./types.js";
