/** The Prometheus emulator's public surface, for tests and the demo. */
export {
  PrometheusEmulator,
  type AskedQuery,
  type PrometheusEmulatorEvents,
  type PrometheusEmulatorOptions,
} from "./emulator.js";
export type { FaultSpec } from "../http/faults.js";
export type { RecordedCall } from "../http/recorder.js";
export type { Annotations, QuerySeed, SampleSeed, SeriesSeed, ValueAt } from "./series.js";
