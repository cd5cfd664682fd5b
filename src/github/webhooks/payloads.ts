/**
 * The parts of GitHub's webhook payloads Gantry reads, checked with zod. Everything else GitHub sends is let through
 * untouched (objects are not strict), so new fields never break a delivery.
 */
import { z } from "zod";

const Repository = z.object({ full_name: z.string().min(3) });
const Login = z.object({ login: z.string() }).nullable();

/** `workflow_run` (actions requested, in_progress, completed). */
export const WorkflowRunEvent = z.object({
  action: z.string(),
  workflow_run: z.object({
    id: z.number().int().positive(),
    status: z.string().nullable(),
    conclusion: z.string().nullable(),
    html_url: z.string(),
    display_title: z.string().optional(),
    name: z.string().nullable().optional(),
  }),
  repository: Repository,
});
export type WorkflowRunEvent = z.infer<typeof WorkflowRunEvent>;

/** A deployment's `payload`: an object, or the JSON string it was created with. */
const DeploymentPayload = z.unknown().transform((raw): Record<string, unknown> => {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
});

const Deployment = z.object({
  id: z.number().int().positive(),
  sha: z.string(),
  ref: z.string(),
  environment: z.string(),
  payload: DeploymentPayload,
  creator: Login.optional(),
  created_at: z.string(),
  url: z.string().optional(),
});

/** `deployment` (action created). */
export const DeploymentEvent = z.object({
  action: z.string(),
  deployment: Deployment,
  repository: Repository,
  sender: Login.optional(),
});
export type DeploymentEvent = z.infer<typeof DeploymentEvent>;

/** `deployment_status` (action created). */
export const DeploymentStatusEvent = z.object({
  action: z.string(),
  deployment_status: z.object({
    id: z.number().int().positive(),
    state: z.string(),
    description: z.string().nullable().optional(),
    environment: z.string().optional(),
    log_url: z.string().nullable().optional(),
    target_url: z.string().nullable().optional(),
    environment_url: z.string().nullable().optional(),
    created_at: z.string(),
  }),
  deployment: Deployment,
  repository: Repository,
  sender: Login.optional(),
});
export type DeploymentStatusEvent = z.infer<typeof DeploymentStatusEvent>;
