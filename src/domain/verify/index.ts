/** Deploy verification, pure: query templates, one check at one reading, and the bake over readings. */
export * from "./types.js";
export {
  PLACEHOLDERS,
  escapeRegex,
  escapeStringLiteral,
  renderQuery,
  templateProblems,
  usesPlaceholder,
  type Placeholder,
  type Rendered,
  type TemplateValues,
} from "./template.js";
export { baselineOf, baselineWindow, evaluateCheck, worstOf, type CheckInput } from "./check.js";
export { advanceBake, bakeDeadline, startBake, type BakeOutcome, type BakeState, type Breach } from "./bake.js";
export { MISSING, breachReason, inARow } from "./reason.js";
export { amount, inferUnit, measuredUnit, plainNumber, unitOf, valueAndLimit } from "./units.js";
