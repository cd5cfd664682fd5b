/**
 * The web address that goes with an API base URL: `https://api.github.com` → `https://github.com`, and
 * GitHub Enterprise Server's `https://ghe.example.com/api/v3` → `https://ghe.example.com`.
 */
export function githubWebBase(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/$/, "")}`;
}
