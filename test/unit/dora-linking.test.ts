import { describe, expect, it } from "vitest";
import { linkIncidents } from "../../src/domain/dora/linking.js";
import type { LedgerDeployment, LedgerIncident } from "../../src/domain/dora/types.js";
import { dep as ledgerDep } from "../support/dora-fixtures.js";

/** SHAs that start with the deploy id, so prefixes can be told apart. */
const dep = (id: string, finishedAt: string, p: Partial<LedgerDeployment> = {}): LedgerDeployment =>
  ledgerDep(id, finishedAt, { sha: `${id}abcdef0123456789`.slice(0, 16), ...p });
function inc(
  key: string,
  createdAt: string,
  p: Partial<LedgerIncident> = {},
  refs: Partial<LedgerIncident["refs"]> = {},
): LedgerIncident {
  return {
    key,
    service: "api",
    createdAt,
    resolvedAt: null,
    status: "Open",
    ...p,
    refs: { deployIds: [], shas: [], issueKeys: [], ...refs },
  };
}

// api: 1 at 10:00, 2 at 12:00, 3 at 14:00 on 9 Mar 2026; web: 9 at 11:00.
const DEPLOYS = [
  dep("2", "2026-03-09T12:00:00Z", { sha: "bbbbbbb2222", changeTicket: "CHG-2" }),
  dep("1", "2026-03-09T10:00:00Z", { sha: "aaaaaaa1111" }),
  dep("3", "2026-03-09T14:00:00Z", { sha: "ccccccc3333" }),
  dep("9", "2026-03-09T11:00:00Z", { service: "web", sha: "9999999999" }),
];

describe("linkIncidents", () => {
  it.each([
    {
      name: "before any deployment of the service → nothing",
      incident: inc("I", "2026-03-09T09:00:00Z"),
      to: null,
      via: null,
    },
    {
      name: "at exactly the first deployment's finish → nothing (strictly before)",
      incident: inc("I", "2026-03-09T10:00:00Z"),
      to: null,
      via: null,
    },
    { name: "between 1 and 2 → 1", incident: inc("I", "2026-03-09T11:30:00Z"), to: "1", via: "time" },
    {
      name: "at exactly 2's finish → the one before, 1",
      incident: inc("I", "2026-03-09T12:00:00Z"),
      to: "1",
      via: "time",
    },
    {
      name: "a millisecond after 2's finish → 2",
      incident: inc("I", "2026-03-09T12:00:00.001Z"),
      to: "2",
      via: "time",
    },
    { name: "after the last → the last, 3", incident: inc("I", "2026-03-10T00:00:00Z"), to: "3", via: "time" },
    {
      name: "another service's deployments do not count",
      incident: inc("I", "2026-03-09T11:30:00Z", { service: "web" }),
      to: "9",
      via: "time",
    },
    {
      name: "a service without deployments → nothing",
      incident: inc("I", "2026-03-10T00:00:00Z", { service: "db" }),
      to: null,
      via: null,
    },
    // Explicit references beat time: created after 3, but names 1.
    {
      name: "explicit deploy id",
      incident: inc("I", "2026-03-10T00:00:00Z", {}, { deployIds: ["1"] }),
      to: "1",
      via: "explicit",
    },
    {
      name: "explicit full sha",
      incident: inc("I", "2026-03-10T00:00:00Z", {}, { shas: ["aaaaaaa1111"] }),
      to: "1",
      via: "explicit",
    },
    {
      name: "explicit 7-char sha prefix (case-insensitive)",
      incident: inc("I", "2026-03-10T00:00:00Z", {}, { shas: ["BBBBBBB"] }),
      to: "2",
      via: "explicit",
    },
    {
      name: "a 6-char prefix is not a reference → time",
      incident: inc("I", "2026-03-10T00:00:00Z", {}, { shas: ["aaaaaa"] }),
      to: "3",
      via: "time",
    },
    {
      name: "explicit change ticket",
      incident: inc("I", "2026-03-10T00:00:00Z", {}, { issueKeys: ["CHG-2"] }),
      to: "2",
      via: "explicit",
    },
    {
      name: "unknown references fall back to time",
      incident: inc("I", "2026-03-09T13:00:00Z", {}, { deployIds: ["77"], issueKeys: ["CHG-9"] }),
      to: "2",
      via: "time",
    },
    // Explicit, even to a deployment after the incident was created (only explicit matches exist).
    {
      name: "explicit to a later deployment",
      incident: inc("I", "2026-03-09T11:00:00Z", {}, { deployIds: ["3"] }),
      to: "3",
      via: "explicit",
    },
    // Several explicit matches: the latest finishing at or before creation (13:00 → 1 and 2 qualify → 2).
    {
      name: "several explicit: latest at or before creation",
      incident: inc("I", "2026-03-09T13:00:00Z", {}, { deployIds: ["1", "3", "2"] }),
      to: "2",
      via: "explicit",
    },
    // At or before: created exactly at 2's finish, 2 qualifies.
    {
      name: "several explicit: 'at' counts",
      incident: inc("I", "2026-03-09T12:00:00Z", {}, { deployIds: ["3", "2"] }),
      to: "2",
      via: "explicit",
    },
    // None at or before 09:00 → the earliest of 2 and 3 → 2.
    {
      name: "several explicit, all later: the earliest",
      incident: inc("I", "2026-03-09T09:00:00Z", {}, { deployIds: ["3", "2"] }),
      to: "2",
      via: "explicit",
    },
    // An explicit reference to another service's deployment still links.
    {
      name: "explicit to another service",
      incident: inc("I", "2026-03-10T00:00:00Z", {}, { deployIds: ["9"] }),
      to: "9",
      via: "explicit",
    },
    // Explicit matches in both services: the incident's own service wins.
    {
      name: "explicit in two services: own service first",
      incident: inc("I", "2026-03-10T00:00:00Z", {}, { deployIds: ["9", "1"] }),
      to: "1",
      via: "explicit",
    },
  ])("$name", ({ incident, to, via }) => {
    const [link] = linkIncidents(DEPLOYS, [incident]);
    expect(link?.incident).toBe(incident);
    expect(link?.deployment?.id ?? null).toBe(to);
    expect(link?.via).toBe(via);
  });

  it("a SHA deployed twice (a rollback to it): the latest deployment at or before the incident", () => {
    const again = dep("4", "2026-03-09T16:00:00Z", { sha: "aaaaaaa1111", kind: "rollback" });
    const links = linkIncidents(
      [...DEPLOYS, again],
      [
        inc("A", "2026-03-09T15:00:00Z", {}, { shas: ["aaaaaaa"] }), // only 1 (10:00) is at or before 15:00
        inc("B", "2026-03-09T17:00:00Z", {}, { shas: ["aaaaaaa"] }), // 1 and 4 → latest, 4
      ],
    );
    expect(links.map((l) => l.deployment?.id)).toEqual(["1", "4"]);
  });

  it("returns one link per incident, in the incidents' order", () => {
    const links = linkIncidents(DEPLOYS, [inc("A", "2026-03-10T00:00:00Z"), inc("B", "2026-01-01T00:00:00Z")]);
    expect(links.map((l) => [l.incident.key, l.deployment?.id ?? null])).toEqual([
      ["A", "3"],
      ["B", null],
    ]);
  });
});
