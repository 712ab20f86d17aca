/**
 * The plans of the explorer's queries on PostgreSQL. Ponder runs on a server that logs every statement
 * (`log_statement=all`); each explorer route is called (every filter and order, a first page and a cursor page),
 * the SQL the API sent is read back from the server's log with its parameters, and `EXPLAIN (FORMAT JSON)` of it
 * runs with `enable_seqscan = off` and `enable_bitmapscan = off` (the scenario's tables are small, and PostgreSQL
 * scans small tables whatever the indexes, or gathers a few pages by bitmap and sorts them, as it did once the
 * lease row grew the reserved-capacity columns of #12). The plans must not read a whole large table: no Seq Scan, no index walked without a condition and
 * filtered row by row, and, for keyset pages, no Sort (the index gives the order).
 */
import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { network } from "hardhat";
import { runScenario } from "../../scripts/indexer/scenario.ts";
import {
  dumpPonder,
  startChain,
  startPonder,
  testDatabases,
  waitForIndexed,
  type Chain,
  type PonderProcess,
  type TestDatabases,
} from "./support/ponder.ts";
import type { EntityDump } from "./support/subgraph-runtime.ts";

/** The tables that grow with the market: a plan must never read one whole. */
const LARGE = new Set(["lease", "lease_event", "offer", "provider", "account"]);
/** Log lines start `@@<application>@@<pid>@@`, so that each statement is matched with its parameters. */
const PREFIX = /^@@([^@\n]*)@@(\d+)@@/m;

let chain: Chain;
let databases: TestDatabases;
let ponder: PonderProcess;
let database: string;
let dump: EntityDump;

beforeAll(async () => {
  chain = await startChain();
  const connection = await network.create({ network: "localhost", override: { url: chain.url } });
  const scenario = await runScenario(connection);
  databases = await testDatabases({ log_statement: "all", log_line_prefix: "@@%a@@%p@@" });
  const db = await databases.fresh("PostgreSQL");
  if (!("databaseUrl" in db)) throw new Error("expected a PostgreSQL database");
  database = new URL(db.databaseUrl).pathname.slice(1);
  ponder = await startPonder({ rpcUrl: chain.url, ...db });
  await waitForIndexed(ponder, Number(scenario.lastBlock));
  dump = await dumpPonder(ponder.url);
}, 600_000);

afterAll(async () => {
  await ponder?.destroy();
  await databases?.stop();
  await chain?.stop();
}, 120_000);

interface Statement {
  sql: string;
  params: string[];
}

/** The statements Ponder's read-only pool logged in `text`, with their bound parameters as SQL literals. */
function statementsIn(text: string): Statement[] {
  const out: Statement[] = [];
  const lastByPid = new Map<string, Statement>();
  const parts = text.split(/(?=^@@[^@\n]*@@\d+@@)/m);
  for (const part of parts) {
    const m = PREFIX.exec(part);
    if (!m || !m[1]!.endsWith("_readonly")) continue;
    const body = part.slice(m[0].length).trimEnd();
    const stmt = /^LOG:\s+(?:execute [^:]*|statement): ([\s\S]*)$/.exec(body);
    if (stmt) {
      const s = { sql: stmt[1]!, params: [] };
      lastByPid.set(m[2]!, s);
      if (/^\s*(SELECT|\()/i.test(s.sql)) out.push(s);
      continue;
    }
    const detail = /^DETAIL:\s+parameters: ([\s\S]*)$/.exec(body);
    const last = lastByPid.get(m[2]!);
    if (detail && last)
      for (const p of detail[1]!.matchAll(/\$(\d+) = ('(?:[^']|'')*'|NULL)/g))
        last.params[Number(p[1]) - 1] = p[2]!;
  }
  return out;
}

/** Calls a route and returns the SQL statements it made the server run. */
async function sqlOf(path: string, params: Record<string, string>): Promise<Statement[]> {
  const log = databases.postgres.logFile;
  const offset = statSync(log).size;
  const res = await fetch(`${ponder.url}/explorer/${path}?${new URLSearchParams(params)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  // The server writes the log as it runs the statements; give the writes a moment to land.
  for (let i = 0; i < 50; i++) {
    const found = statementsIn(readFileSync(log).subarray(offset).toString("utf8"));
    if (found.length && found.every((s) => !/\$\d/.test(s.sql) || s.params.length)) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no statement of ${path} in the server's log`);
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Recheck Cond"?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

async function explain(s: Statement): Promise<PlanNode> {
  const literal = s.sql.replace(/\$(\d+)(?!\d)/g, (_, n: string) => s.params[Number(n) - 1]!);
  const out = await databases.postgres.query(
    `SET enable_seqscan = off; SET enable_bitmapscan = off; SET search_path = gridlease; EXPLAIN (FORMAT JSON) ${literal}`,
    database,
  );
  // psql prints "SET" for each SET before the plan.
  return (JSON.parse(out.slice(out.indexOf("["))) as { Plan: PlanNode }[])[0]!.Plan;
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
const describePlan = (n: PlanNode, depth = 0): string =>
  [
    `${"  ".repeat(depth)}${n["Node Type"]} ${n["Relation Name"] ?? ""} ${n["Index Name"] ?? ""} ${n["Index Cond"] ?? n["Recheck Cond"] ?? ""} ${n.Filter ? `filter ${n.Filter}` : ""}`,
    ...(n.Plans ?? []).map((c) => describePlan(c, depth + 1)),
  ].join("\n");

/** What is wrong with a plan: a whole large table read, or (for a keyset page) a Sort. */
function problems(plan: PlanNode, opts: { sortAllowed: boolean }): string[] {
  const found: string[] = [];
  for (const n of nodes(plan)) {
    const table = n["Relation Name"];
    if (n["Node Type"] === "Seq Scan" && table && LARGE.has(table))
      found.push(`Seq Scan on ${table}`);
    // An index walked from end to end and filtered row by row reads the whole table too.
    if (
      /Index( Only)? Scan/.test(n["Node Type"]) &&
      table &&
      LARGE.has(table) &&
      !n["Index Cond"] &&
      n.Filter
    )
      found.push(`${n["Index Name"]} on ${table} walked whole with filter ${n.Filter}`);
    if (n["Node Type"] === "Sort" && !opts.sortAllowed) found.push("Sort");
  }
  return found;
}

type Case = [path: string, params: Record<string, string>];

/** Every route, filter and order; the list routes with limit 1 so that a second (cursor) page exists. */
function cases(): Case[] {
  const leases = Object.values(dump.Lease!);
  const pending = leases.find((l) => l.status === "Pending")!;
  const a = leases[0]!;
  const now = String(Number(pending.activationDeadline) + 1);
  const leaseFilters: Record<string, string>[] = [
    {},
    { gpuModel: String(a.gpuModel) },
    { region: String(a.region) },
    { endReason: "Expired" },
    { offer: String(a.offer) },
    { buyer: String(a.buyer) },
    { provider: String(a.provider) },
    { address: String(a.buyer) },
    { address: String(a.provider).slice(0, 8) },
    { gpuModel: String(a.gpuModel), region: String(a.region), status: "Ended" },
    ...["Pending", "ActivationOverdue", "Active", "Expired", "Ended"].map((status) => ({
      status,
      now,
    })),
  ];
  const out: Case[] = [];
  for (const f of leaseFilters) {
    for (const order of ["newest", "oldest"]) out.push(["leases", { ...f, order, limit: "1" }]);
    out.push(["leases/total", f]);
  }
  const o = Object.values(dump.Offer!)[0]!;
  const offerFilters: Record<string, string>[] = [
    {},
    { gpuModel: String(o.gpuModel) },
    { region: String(o.region) },
    { provider: String(o.provider) },
  ];
  for (const f of offerFilters)
    for (const order of ["newest", "price", "priceDesc"])
      out.push(["offers", { ...f, order, limit: "1" }]);
  for (const order of ["leasesServed", "availability", "gpuHours", "newest"])
    out.push(["providers", { order, limit: "1" }]);
  for (const order of ["leases", "gpuHours", "newest"])
    out.push(["accounts", { order, limit: "1" }]);
  return out;
}

describe("the explorer's SQL on PostgreSQL", () => {
  it("has the lease table's composite indexes, one per filter followed by the lease id", async () => {
    const defs = await databases.postgres.query(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = 'gridlease' AND tablename = 'lease'",
      database,
    );
    // "CREATE INDEX … ON gridlease.lease USING btree (gpu_model, lease_id)" -> "gpu_model,lease_id"
    const columns = new Set(
      defs
        .trim()
        .split("\n")
        .map((d) => /\(([^)]*)\)$/.exec(d)![1]!.replace(/\s+/g, "")),
    );
    for (const filter of [
      "",
      "gpu_model,",
      "region,",
      "gpu_model,region,",
      "status,",
      "end_reason,",
    ])
      expect(columns, filter).toContain(`${filter}lease_id`);
    for (const party of ["buyer", "provider", "offer"])
      expect(columns).toContain(`${party},lease_id`);
    expect(columns).toContain("status,activation_deadline");
    expect(columns).toContain("status,end_time");
  });

  it("the check catches a query that reads the whole lease table", async () => {
    const whole = await explain({
      sql: "SELECT id FROM lease WHERE buyer LIKE '%dc79c8' ORDER BY duration LIMIT 50",
      params: [],
    });
    expect(problems(whole, { sortAllowed: false })).not.toEqual([]);
  });

  it("reads no large table whole, and keyset pages use the index order", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [path, params] of cases()) {
      const pages: Record<string, string>[] = [params];
      if (path !== "leases/total") {
        const first = (await (
          await fetch(`${ponder.url}/explorer/${path}?${new URLSearchParams(params)}`)
        ).json()) as { next: string | null };
        if (first.next) pages.push({ ...params, after: first.next });
      }
      for (const page of pages) {
        for (const s of await sqlOf(path, page)) {
          const plan = await explain(s);
          checked++;
          // The buyer-or-provider union sorts its two index-ordered halves (2 × limit rows), and a prefix range
          // sorts the leases of the addresses it matches; a total counts, it does not page.
          const sortAllowed = path === "leases/total" || "address" in page;
          const found = problems(plan, { sortAllowed });
          if (found.length)
            failures.push(
              `${path}?${new URLSearchParams(page)}: ${found.join("; ")}\n${s.sql}\n${describePlan(plan)}`,
            );
        }
      }
    }
    expect(failures, failures.join("\n\n")).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });
});
