/**
 * Gantry's import rules, checked by `npm run deps` (part of `npm test`).
 * The layers, from the inside out: src/domain (model and rules, plain values only) ← src/deploy (use cases) ←
 * adapters (src/slack, src/github, src/jira, src/store, ...). Emulators in sandbox/ stand in for vendors, so they
 * must not borrow the product's code (a shared bug would then pass both sides of a test).
 */
/* global module */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles make load order matter and hide which module owns what.",
      from: {},
      to: { circular: true },
    },
    {
      name: "deploy-not-to-slack",
      severity: "error",
      comment: "Use cases decide; Slack speaks. src/deploy reaches Slack only through a port it is handed.",
      from: { path: "^src/deploy/" },
      to: { path: "^src/slack/" },
    },
    {
      name: "domain-not-to-adapters",
      severity: "error",
      comment: "The model takes plain values: no store, config loader, vendor adapter or use case.",
      from: { path: "^src/domain/" },
      to: { path: "^src/(store|config|slack|github|jira|metrics-source|deploy|runners)/" },
    },
    {
      name: "domain-no-packages",
      severity: "error",
      comment: "The model depends on no package (node: builtins are allowed).",
      from: { path: "^src/domain/" },
      to: {
        dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-bundled", "npm-no-pkg", "npm-unknown"],
      },
    },
    {
      name: "src-not-to-sandbox",
      severity: "error",
      comment: "The product ships without the emulators, demo and playground.",
      from: { path: "^src/" },
      to: { path: "^sandbox/" },
    },
    {
      name: "emulators-not-to-src",
      severity: "error",
      comment: "Emulators speak the vendors' wire format from their own code, never the product's.",
      from: { path: "^sandbox/(github|slack|jira|prometheus|http)/" },
      to: { path: "^src/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that does not resolve is a typo or a missing dependency.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a type from the store in the domain is still a dependency on the store.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
