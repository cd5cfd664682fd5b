/**
 * What people deploy with: the Dockerfile, the Kubernetes manifests in deploy/kubernetes/ (checked against
 * Kubernetes' own OpenAPI schemas by kubernetes-models), and .env.example, against each other and against Gantry.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1";
import { PersistentVolumeClaim, Secret, Service } from "kubernetes-models/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ENV_VARIABLES } from "../../src/env.js";

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "v1/Service": Service,
  "v1/Secret": Secret,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are checked by schema, then read loosely
type Any = any;
type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Any;
  stringData?: Record<string, string>;
};

const dockerfile = readFileSync("Dockerfile", "utf8");
const MANIFEST_DIR = join("deploy", "kubernetes");
const manifests = readdirSync(MANIFEST_DIR).map((dir) => {
  const file = join(MANIFEST_DIR, dir, "gantry.yaml");
  return { file, docs: parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as Doc) };
});
const dockerUser = /^USER (\d+):(\d+)$/m.exec(dockerfile);

describe("the Dockerfile", () => {
  it("runs Node 24 slim as a numeric non-root user, without a compiler toolchain, dev dependencies or emulators", () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(dockerUser, "USER uid:gid, by number").not.toBeNull();
    expect(Number(dockerUser![1])).toBeGreaterThan(0);
    expect(dockerfile).not.toMatch(/apt-get|g\+\+|python3|build-essential/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(JSON.parse(readFileSync("tsconfig.build.json", "utf8")).include).toEqual(["src"]);
    expect(readFileSync(".dockerignore", "utf8").split("\n")).toEqual(expect.arrayContaining(["sandbox", "test"]));
  });

  it("runs main as npm start does, with the same Node flags", () => {
    const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    expect(cmd, "an exec-form CMD").not.toBeNull();
    expect((JSON.parse(cmd![1]!) as string[]).join(" ")).toBe(start);
    expect(start).toMatch(/^node --max-semi-space-size=\d+ dist\/src\/main\.js$/);
  });

  it("keeps its healthcheck, its SQLite volume and OCI labels", () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/GANTRY_DB=\/data\/gantry\.db/);
    for (const label of ["title", "description", "licenses", "version", "source"])
      expect(dockerfile).toContain(`org.opencontainers.image.${label}=`);
  });
});

describe.each(manifests)("the Kubernetes manifests in $file", ({ docs }) => {
  it("are valid Kubernetes objects", () => {
    // The schema check bites: a mistyped field is refused.
    expect(() =>
      new Deployment({ apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: "three" } } as never).validate(),
    ).toThrow();
    for (const doc of docs) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${doc.apiVersion} ${doc.kind} is a kind this test knows`).toBeDefined();
      expect(() => new Model!(doc as never).validate()).not.toThrow();
    }
  });

  it("run the image's own user, locked down, with startup, liveness and readiness probes on Gantry's health routes", () => {
    for (const deployment of docs.filter((d) => d.kind === "Deployment")) {
      const pod: Any = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: Number(dockerUser![1]),
        runAsGroup: Number(dockerUser![2]),
      });
      const [container] = pod.containers;
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(container.startupProbe.httpGet.path).toBe("/healthz");
      expect(container.livenessProbe.httpGet.path).toBe("/healthz");
      expect(container.readinessProbe.httpGet.path).toBe("/readyz");
      expect(container.ports[0].containerPort).toBe(Number(/^EXPOSE (\d+)$/m.exec(dockerfile)![1]));
      // A read-only root needs somewhere to write temporary files.
      expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain("/tmp");
    }
  });

  it("name only variables Gantry reads", () => {
    const named = [
      ...Object.keys(docs.find((d) => d.kind === "Secret")?.stringData ?? {}),
      ...docs
        .filter((d) => d.kind === "Deployment")
        .flatMap((d) => (d.spec.template.spec.containers[0].env ?? []).map((e: { name: string }) => e.name)),
    ];
    for (const name of named) expect(ENV_VARIABLES).toContain(name);
  });

  it("split into web and worker Deployments only on PostgreSQL, with Slack's Service on the web pods", () => {
    const deployments = docs.filter((d) => d.kind === "Deployment");
    const roleOf = (d: Doc) =>
      d.spec.template.spec.containers[0].env?.find((e: { name: string }) => e.name === "GANTRY_ROLE")?.value ?? "all";
    const roles = deployments.map(roleOf).sort();
    if (roles.length === 1) return void expect(roles).toEqual(["all"]);
    expect(roles).toEqual(["web", "worker"]);
    expect(docs.find((d) => d.kind === "Secret")?.stringData?.GANTRY_DATABASE_URL).toMatch(/^postgres:\/\//);
    const web = deployments.find((d) => roleOf(d) === "web")!;
    const service = docs.find((d) => d.kind === "Service")!;
    expect(service.spec.selector).toEqual(web.spec.template.metadata.labels);
  });

  it.each(docs.filter((d) => d.kind === "Deployment").map((d) => ({ name: d.metadata.name, deployment: d })))(
    "keep two pods off one SQLite file, or spread replicas with a disruption budget on PostgreSQL ($name)",
    ({ deployment }) => {
      const replicas: number = deployment.spec.replicas;
      if (docs.some((d) => d.kind === "PersistentVolumeClaim")) {
        expect(replicas).toBe(1);
        expect(deployment.spec.strategy.type).toBe("Recreate");
        return;
      }
      expect(docs.find((d) => d.kind === "Secret")?.stringData?.GANTRY_DATABASE_URL).toMatch(/^postgres:\/\//);
      expect(deployment.spec.template.spec.containers[0].env).toContainEqual({
        name: "GANTRY_REPLICA_ID",
        valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
      });
      const labels = deployment.spec.template.metadata.labels;
      const budget = docs.find(
        (d) =>
          d.kind === "PodDisruptionBudget" && JSON.stringify(d.spec.selector.matchLabels) === JSON.stringify(labels),
      );
      expect(budget?.spec.minAvailable).toBeLessThan(replicas);
    },
  );
});

describe(".env.example", () => {
  it("lists every variable Gantry reads, and the configuration reference's table does too", () => {
    const listed = readFileSync(".env.example", "utf8")
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split("=")[0]);
    expect([...listed].sort()).toEqual([...ENV_VARIABLES].sort());
    const reference = readFileSync("docs/configuration.md", "utf8");
    for (const name of ENV_VARIABLES) expect(reference, name).toContain(`\`${name}\``);
  });
});
