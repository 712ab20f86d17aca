/**
 * Line and branch coverage of the production contracts, with a threshold.
 *
 * Hardhat 3 instruments statements only, and its hit counts are not per execution, so branch coverage cannot be
 * read off its report. This script measures it precisely instead:
 *
 *   1. copies the project into a temporary folder and rewrites every production contract so that each branch arm
 *      holds at least one statement: an `if` without `else` gets `else { assert(true); }`, and an empty
 *      `try`/`catch` clause gets `assert(true);` (a no-op; insertions add no newlines, so lines keep their numbers);
 *   2. runs the unit and adversarial Solidity suites there with `hardhat test solidity --coverage`;
 *   3. maps the recorded statement hits back through EDR's own instrumentation metadata, and scores
 *      - lines: a line is covered when a statement starting on it ran;
 *      - branches: both arms of every `if`, and every `try`/`catch` clause, covered when the arm's first
 *        statement ran. Ternary expressions hold no statements and are listed as unmeasured.
 *
 * Usage: node scripts/coverage.ts [--min 95] [--keep]
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { addStatementCoverageInstrumentation } from "@nomicfoundation/edr";

const require = createRequire(import.meta.url);
const solc = require("solc");

const root = process.cwd();
const args = process.argv.slice(2);
const min = Number(args[args.indexOf("--min") + 1] ?? 95) || 95;
const keep = args.includes("--keep");
const SOLC_VERSION = "0.8.30";
const SENTINEL = "assert(true);";

/** Production sources: everything in contracts/ but the local-only mocks. */
function productionSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "mocks") walk(full);
      } else if (entry.name.endsWith(".sol")) out.push(relative(root, full));
    }
  };
  walk(join(root, "contracts"));
  return out.sort();
}

function testFiles(): string[] {
  const out: string[] = [];
  for (const dir of ["test/contracts/unit", "test/contracts/adversarial"]) {
    if (!existsSync(join(root, dir))) continue;
    for (const f of readdirSync(join(root, dir))) if (f.endsWith(".t.sol")) out.push(join(dir, f));
  }
  return out.sort();
}

// ---------------------------------------------------------------- AST

interface Node {
  nodeType: string;
  src: string;
  [key: string]: unknown;
}

/** Parses the given sources with solc (AST only, no code generation). */
function astOf(sources: Record<string, string>): Record<string, Node> {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([k, content]) => [k, { content }])),
    settings: { outputSelection: { "*": { "": ["ast"] } } },
  };
  const findImports = (path: string) => {
    for (const base of [root, join(root, "node_modules")]) {
      const full = join(base, path);
      if (existsSync(full)) return { contents: readFileSync(full, "utf8") };
    }
    return { error: `not found: ${path}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length)
    throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n"));
  return Object.fromEntries(Object.keys(sources).map((k) => [k, output.sources[k].ast as Node]));
}

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (!node || typeof node !== "object") return;
  const n = node as Node;
  if (typeof n.nodeType === "string") visit(n);
  for (const value of Object.values(n)) if (value && typeof value === "object") walk(value, visit);
}

/** [start, end) in UTF-16 units of `text` for a solc "start:length:file" byte range. */
function range(src: string, text: string): [number, number] {
  const [start, length] = src.split(":").map(Number);
  const bytes = Buffer.from(text, "utf8");
  const s = bytes.subarray(0, start).toString("utf8").length;
  const e = bytes.subarray(0, start + length).toString("utf8").length;
  return [s, e];
}

function firstStatement(body: Node | null | undefined): Node | undefined {
  if (!body) return undefined;
  if (body.nodeType === "Block" || body.nodeType === "UncheckedBlock") {
    return (body.statements as Node[])[0];
  }
  return body;
}

// ---------------------------------------------------------------- rewrite

/** Inserts a sentinel statement wherever a branch arm has none. Returns the new text. */
function rewrite(text: string, ast: Node): string {
  const inserts: { at: number; text: string }[] = [];
  walk(ast, (n) => {
    if (n.nodeType === "IfStatement" && !n.falseBody) {
      // solc's range for a body that is a single statement stops before its semicolon.
      let at = range(n.src, text)[1];
      const rest = text.slice(at).match(/^\s*;/);
      if (rest) at += rest[0].length;
      inserts.push({ at, text: ` else { ${SENTINEL} }` });
    }
    if (n.nodeType === "TryStatement") {
      for (const clause of n.clauses as Node[]) {
        const block = clause.block as Node;
        if ((block.statements as Node[]).length === 0) {
          inserts.push({ at: range(block.src, text)[0] + 1, text: ` ${SENTINEL} ` });
        }
      }
    }
  });
  inserts.sort((a, b) => b.at - a.at);
  let out = text;
  for (const { at, text: t } of inserts) out = out.slice(0, at) + t + out.slice(at);
  return out;
}

// ---------------------------------------------------------------- main

const sources = productionSources();
const originals = Object.fromEntries(sources.map((s) => [s, readFileSync(join(root, s), "utf8")]));
const originalAst = astOf(originals);
const rewritten = Object.fromEntries(
  sources.map((s) => [s, rewrite(originals[s], originalAst[s])]),
);
const rewrittenAst = astOf(rewritten);

const work = mkdtempSync(join(tmpdir(), "gridlease-coverage-"));
try {
  for (const entry of [
    "contracts",
    "test",
    "sdk",
    "hardhat.config.ts",
    "package.json",
    "tsconfig.json",
  ]) {
    if (existsSync(join(root, entry)))
      cpSync(join(root, entry), join(work, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(work, "node_modules"), "dir");
  for (const s of sources) writeFileSync(join(work, s), rewritten[s]);

  const tests = testFiles();
  if (tests.length === 0) throw new Error("no unit or adversarial Solidity tests found");
  console.log(`Running ${tests.length} Solidity test files with coverage instrumentation…`);
  // Tests that sweep gas limits measure the production code's gas, which the instrumentation (a hit recorded per
  // statement) changes: they run in `npm run test:contracts`, and are left out here.
  const gasSweeps = ["--grep-exclude", "AnyGasLimit"];
  const run = spawnSync(
    "npx",
    ["hardhat", "test", "solidity", "--coverage", ...gasSweeps, ...tests],
    {
      cwd: work,
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
    },
  );
  const summary = run.stdout.split("\n").filter((l) => /passing|failing|✘|Error/.test(l));
  console.log(summary.join("\n"));
  if (run.status !== 0) {
    console.error("coverage run failed: the instrumented tests did not pass");
    process.exit(1);
  }

  // Tags that ran at least once.
  const hit = new Set<string>();
  const dataDir = join(work, "coverage", "data", "solidity");
  for (const f of readdirSync(dataDir)) {
    for (const tag of Object.keys(JSON.parse(readFileSync(join(dataDir, f), "utf8")))) hit.add(tag);
  }

  interface Row {
    file: string;
    lines: number;
    linesHit: number;
    branches: number;
    branchesHit: number;
    missedLines: number[];
    missedBranches: string[];
    ternaries: number;
  }
  const rows: Row[] = [];

  for (const file of sources) {
    const text = rewritten[file];
    const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
    const { metadata } = addStatementCoverageInstrumentation(text, `project/${file}`, SOLC_VERSION);
    const statements = metadata
      .filter((m: { kind: string }) => m.kind === "statement")
      .map((m: { tag: Uint8Array; startUtf16: number | bigint; endUtf16: number | bigint }) => ({
        start: Number(m.startUtf16),
        end: Number(m.endUtf16),
        ran: hit.has(Buffer.from(m.tag).toString("hex")),
      }));

    /** The tightest instrumented statement that contains the node: the node's own tag. */
    const ranNode = (node: Node): boolean | undefined => {
      const [s, e] = range(node.src, text);
      let best: { start: number; end: number; ran: boolean } | undefined;
      for (const st of statements) {
        if (st.start <= s && st.end >= e && (!best || st.end - st.start < best.end - best.start))
          best = st;
      }
      return best?.ran;
    };

    // Lines: every statement but the sentinels, by the line its code starts on.
    const lineRan = new Map<number, boolean>();
    for (const st of statements) {
      const code = text.slice(st.start, st.end);
      if (code.trim() === SENTINEL || code.trim().startsWith(`else { ${SENTINEL}`)) continue;
      const firstCode = st.start + (code.length - code.trimStart().length);
      const line = lineOf(firstCode);
      lineRan.set(line, (lineRan.get(line) ?? false) || st.ran);
    }

    const row: Row = {
      file,
      lines: lineRan.size,
      linesHit: [...lineRan.values()].filter(Boolean).length,
      branches: 0,
      branchesHit: 0,
      missedLines: [...lineRan.entries()].filter(([, ran]) => !ran).map(([l]) => l),
      missedBranches: [],
      ternaries: 0,
    };
    const arm = (node: Node | undefined, label: string, at: Node) => {
      if (!node) return;
      row.branches++;
      if (ranNode(node)) row.branchesHit++;
      else row.missedBranches.push(`${lineOf(range(at.src, text)[0])}:${label}`);
    };
    walk(rewrittenAst[file], (n) => {
      if (n.nodeType === "IfStatement") {
        arm(firstStatement(n.trueBody as Node), "if-true", n);
        arm(firstStatement(n.falseBody as Node), "if-false", n);
      } else if (n.nodeType === "TryStatement") {
        (n.clauses as Node[]).forEach((c, i) =>
          arm(firstStatement(c.block as Node), i === 0 ? "try-success" : "catch", n),
        );
      } else if (n.nodeType === "Conditional") {
        row.ternaries++;
      }
    });
    rows.push(row);
  }

  const pct = (a: number, b: number) => (b === 0 ? 100 : (100 * a) / b);
  console.log("\nCoverage of production contracts (unit + adversarial suites)\n");
  console.log(`${"file".padEnd(44)} ${"lines".padStart(14)} ${"branches".padStart(14)}  missed`);
  let L = 0,
    LH = 0,
    B = 0,
    BH = 0;
  for (const r of rows) {
    L += r.lines;
    LH += r.linesHit;
    B += r.branches;
    BH += r.branchesHit;
    const list = (xs: (string | number)[]) =>
      xs.slice(0, 30).join(",") + (xs.length > 30 ? `,… (${xs.length})` : "");
    const missed = [
      r.missedLines.length ? `lines ${list(r.missedLines)}` : "",
      r.missedBranches.length ? `branches ${list(r.missedBranches)}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    console.log(
      `${r.file.padEnd(44)} ${`${r.linesHit}/${r.lines} ${pct(r.linesHit, r.lines).toFixed(1)}%`.padStart(14)} ${`${r.branchesHit}/${r.branches} ${pct(r.branchesHit, r.branches).toFixed(1)}%`.padStart(14)}  ${missed}`,
    );
  }
  const lp = pct(LH, L);
  const bp = pct(BH, B);
  const ternaries = rows.reduce((a, r) => a + r.ternaries, 0);
  console.log(
    `${"total".padEnd(44)} ${`${LH}/${L} ${lp.toFixed(1)}%`.padStart(14)} ${`${BH}/${B} ${bp.toFixed(1)}%`.padStart(14)}`,
  );
  console.log(
    `(${ternaries} ternary expressions hold no statements and are not measured as branches)`,
  );
  if (lp < min || bp < min) {
    console.error(`\nCoverage below ${min}%: lines ${lp.toFixed(1)}%, branches ${bp.toFixed(1)}%`);
    process.exit(1);
  }
  console.log(`\nCoverage meets ${min}% for lines and branches.`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
