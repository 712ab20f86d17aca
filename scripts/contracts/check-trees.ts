/**
 * Checks that the `.tree` specs and the Solidity tests beside them have not drifted apart.
 *
 * The mapping rule: a `.tree` (Sablier's format) is a tree of conditions (`when …`, `given …`, or a function's
 * name) whose leaves are outcomes (`it should …`). Every node that has outcome leaves among its children names,
 * after ` -> `, the tests that check those outcomes: `├── when the payload is empty -> test_RevertWhen_PayloadEmpty`.
 * The check then requires, for each `X.tree` and the `X.t.sol` beside it:
 *   - the tree's first line is the name of a contract declared in `X.t.sol`;
 *   - every node with leaves names at least one test, and every name is a `test_…`/`testFuzz_…` function of
 *     `X.t.sol` (so every leaf has a test);
 *   - every `test_…`/`testFuzz_…` function of `X.t.sol` is named by at least one node (so every test has a leaf);
 *   - leaves name nothing themselves;
 * and every `.t.sol` under test/contracts/unit and test/contracts/adversarial has a `.tree`.
 *
 * Usage: node scripts/contracts/check-trees.ts
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = process.cwd();
const testsDir = join(root, "test", "contracts");
const SPEC_DIRS = ["unit", "adversarial"];

interface TreeNode {
  line: number;
  depth: number;
  text: string;
  tests: string[];
  isLeaf: boolean;
  hasLeafChild: boolean;
}

/** Parses one `.tree` into its root name and nodes; box-drawing prefixes are 4 characters per level. */
function parseTree(source: string): { rootName: string; nodes: TreeNode[] } {
  const lines = source.split("\n");
  const nodes: TreeNode[] = [];
  const open: TreeNode[] = []; // the current path, by depth
  lines.slice(1).forEach((raw, i) => {
    const match = /^([│ ]*)[├└]── (.*)$/.exec(raw);
    if (!match) return;
    const depth = match[1].length / 4;
    const [text, named] = match[2].split(" -> ");
    const tests = named ? named.split(",").map((t) => t.trim()) : [];
    const node: TreeNode = {
      line: i + 2,
      depth,
      text: text.trim(),
      tests,
      isLeaf: text.startsWith("it should"),
      hasLeafChild: false,
    };
    if (node.isLeaf && depth > 0) open[depth - 1].hasLeafChild = true;
    open[depth] = node;
    nodes.push(node);
  });
  return { rootName: lines[0].trim(), nodes };
}

/** The `test_…`/`testFuzz_…` functions and the contract names declared in a Solidity test file. */
function parseTests(source: string): { tests: string[]; contracts: string[] } {
  const tests = [...source.matchAll(/function ((?:test|testFuzz)_\w+)\s*\(/g)].map((m) => m[1]);
  const contracts = [...source.matchAll(/^\s*(?:abstract\s+)?contract\s+(\w+)/gm)].map((m) => m[1]);
  return { tests, contracts };
}

/** Problems found in one `.tree` and its `.t.sol`; empty when they agree. */
function checkPair(treePath: string, solPath: string): string[] {
  const where = relative(root, treePath);
  if (!existsSync(solPath)) return [`${where}: no ${relative(root, solPath)} beside it`];
  const { rootName, nodes } = parseTree(readFileSync(treePath, "utf8"));
  const { tests, contracts } = parseTests(readFileSync(solPath, "utf8"));
  const problems: string[] = [];
  if (!contracts.includes(rootName))
    problems.push(`${where}:1: root "${rootName}" is not a contract of the test file`);
  const named = new Set<string>();
  for (const node of nodes) {
    if (node.isLeaf && node.tests.length > 0) {
      problems.push(`${where}:${node.line}: a leaf names tests; name them on its parent condition`);
    }
    if (node.hasLeafChild && node.tests.length === 0) {
      problems.push(`${where}:${node.line}: "${node.text}" has outcomes but names no test`);
    }
    for (const test of node.tests) {
      named.add(test);
      if (!tests.includes(test))
        problems.push(`${where}:${node.line}: ${test} is not a test of the test file`);
    }
  }
  for (const test of tests) {
    if (!named.has(test)) problems.push(`${where}: ${test} is named by no condition of the tree`);
  }
  return problems;
}

const problems: string[] = [];
let pairs = 0;
for (const dir of SPEC_DIRS) {
  const full = join(testsDir, dir);
  for (const file of readdirSync(full).sort()) {
    if (file.endsWith(".tree")) {
      pairs += 1;
      problems.push(...checkPair(join(full, file), join(full, file.replace(/\.tree$/, ".t.sol"))));
    } else if (
      file.endsWith(".t.sol") &&
      !existsSync(join(full, file.replace(/\.t\.sol$/, ".tree")))
    ) {
      problems.push(`${relative(root, join(full, file))}: no .tree beside it`);
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} problem(s) in the .tree specs`);
  process.exit(1);
}
console.log(`${pairs} .tree specs agree with their tests`);
