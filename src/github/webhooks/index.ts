export { githubWebhookRoute, GITHUB_WEBHOOK_PATH, type GitHubWebhookRoute, type WebhookPorts } from "./handler.js";
