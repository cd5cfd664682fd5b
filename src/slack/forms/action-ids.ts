/** Action ids of the buttons that open forms or act on a board cell (the App Home's, for now). */
export const FORM_BUTTONS = {
  deploy: "open_deploy_form",
  lock: "open_lock_form",
  unlock: "unlock_env",
} as const;

/** `service:environment`, as Lock… and Unlock buttons carry it. */
export function lockValue(service: string, environment: string): string {
  return `${service}:${environment}`;
}
