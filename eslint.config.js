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
    files: ["src/sandbox/playground/public/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: Object.fromEntries(
        ["window", "document", "location", "localStorage", "fetch", "EventSource", "URLSearchParams", "setTimeout", "clearTimeout", "console"].map((name) => [name, "readonly"]),
      ),
    },
  },
  {
    files: ["src/cli/**", "src/sandbox/demo/**", "test/support/summary-reporter.ts"],
    rules: { "no-console": "off" },
  },
);
