import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "test/artifacts/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    // The playground's page: plain browser modules, served as they are.
    files: ["sandbox/playground/public/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: Object.fromEntries(
        [
          "window",
          "document",
          "location",
          "localStorage",
          "fetch",
          "EventSource",
          "URLSearchParams",
          "setTimeout",
          "clearTimeout",
          "console",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
  {
    // Slack's mrkdwn text objects are made in src/slack/mrkdwn.ts only, from SlackText, whose every interpolated
    // string is escaped: there is no other way for a ref, a reason or a vendor's words into Slack's markup.
    files: ["src/**/*.ts"],
    ignores: ["src/slack/mrkdwn.ts", "sandbox/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "Literal[value='mrkdwn']",
          message: "Build Slack text with mrkdwn`…` and section()/context() from src/slack/mrkdwn.ts.",
        },
      ],
    },
  },
  {
    files: ["src/cli/**", "sandbox/demo/**", "test/support/summary-reporter.ts"],
    rules: { "no-console": "off" },
  },
);
