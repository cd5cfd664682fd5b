import { localDate } from "../domain/format.js";
import type { TrendChartInput } from "./chart.js";
import type { DigestData } from "./digest-message.js";

const HOUR = 3600;

/** The digest's 12-week trend as the four panels of the chart. */
export function chartInput(team: string, data: DigestData, timezone: string): TrendChartInput {
  const weeks = data.trend.map((t) => localDate(t.week.from, timezone).slice(5));
  const pick = <T>(f: (r: DigestData["trend"][number]["report"]) => T) => data.trend.map((t) => f(t.report));
  return {
    title: `${team}: DORA, last 12 weeks`,
    weeks,
    series: [
      {
        label: "Deployment days / week",
        unit: "days",
        values: pick((r) => r.deploymentDays),
        levels: pick((r) => r.deploymentFrequency.level),
      },
      {
        label: "Median lead time",
        unit: "h",
        values: pick((r) => (r.leadTime.medianSeconds === null ? null : r.leadTime.medianSeconds / HOUR)),
        levels: pick((r) => r.leadTime.level),
      },
      {
        label: "Change failure rate",
        unit: "%",
        values: pick((r) => (r.changeFailureRate.value === null ? null : r.changeFailureRate.value * 100)),
        levels: pick((r) => r.changeFailureRate.level),
      },
      {
        label: "Median recovery time",
        unit: "h",
        values: pick((r) => (r.recoveryTime.medianSeconds === null ? null : r.recoveryTime.medianSeconds / HOUR)),
        levels: pick((r) => r.recoveryTime.level),
      },
    ],
  };
}
