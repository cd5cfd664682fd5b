import type { Service } from "../config/schema.js";
import type { Deployment } from "../domain/deployment.js";
import { parseRepo, type SourcePort } from "../github/port.js";

/** What the deploy's workflow reported it shipped: the newest commit status with the service's context on its sha. */
export async function reportedArtifact(
  source: SourcePort,
  service: Service,
  d: Deployment,
): Promise<string | undefined> {
  if (!d.sha) return undefined;
  return source.statusDescription(parseRepo(service.repo), d.sha, service.artifactStatus);
}
