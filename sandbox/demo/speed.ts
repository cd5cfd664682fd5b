import type { GantryConfig } from "../../src/config/schema.js";
import { durationMs } from "../../src/config/primitives.js";

const faster = (duration: string, speed: number): string =>
  `${Math.max(1, Math.round(durationMs(duration) / speed))}ms`;

/**
 * The demo config with its verification clocks (bake, interval, minBake) sped up as the emulated GitHub runs are
 * (GANTRY_DEMO_SPEED; the browser tests run at 10), so a faster demo tells the same story in proportion. Speed 1 gives
 * the config back as it is.
 */
export function quickenVerification(config: GantryConfig, speed: number): GantryConfig {
  if (speed === 1) return config;
  const services = Object.fromEntries(
    Object.entries(config.services).map(([name, svc]) => [
      name,
      {
        ...svc,
        environments: Object.fromEntries(
          Object.entries(svc.environments).map(([env, e]) => [
            env,
            {
              ...e,
              ...(e.minBake ? { minBake: faster(e.minBake, speed) } : {}),
              ...(e.verify
                ? {
                    verify: {
                      ...e.verify,
                      bake: faster(e.verify.bake, speed),
                      interval: faster(e.verify.interval, speed),
                    },
                  }
                : {}),
            },
          ]),
        ),
      },
    ]),
  );
  return { ...config, services } as GantryConfig;
}
