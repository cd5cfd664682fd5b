/** What every payload builder shares: the verification token Slack sends, and a user's name. */
import type { SlackEmulator } from "./emulator.js";

/** Slack's legacy verification token; Bolt ignores it but real payloads always carry one. */
export const VERIFICATION_TOKEN = "gAnTrYvErIfIcAtIoNtOkEn0";

/** Users the test never added still get a plausible handle: U0ALICE -> alice. */
export function userNameFor(slack: SlackEmulator, user: string): string {
  return slack.user(user)?.name ?? (user.replace(/^[UW]0*/, "").toLowerCase() || user.toLowerCase());
}
