import type { Thresholds } from "./types.js";

const DAY = 86_400;

/**
 * DORA 2023 levels as Apache DevLake codes them. Times in seconds; frequency in deployment days per week (elite, high)
 * and per month (medium).
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
  deploymentFrequency: { elite: 5, high: 1, medium: 1 },
  leadTime: { elite: DAY, high: 7 * DAY, medium: 30 * DAY },
  changeFailureRate: { elite: 0.05, high: 0.1, medium: 0.15 },
  recoveryTime: { elite: 3_600, high: DAY, medium: 7 * DAY },
};
