/**
 * `npm run indexer`: `ponder start` on 127.0.0.1, with the database checked first (./preflight.ts).
 *
 *   npm run indexer [-- <more ponder start options>]
 *   env: DATABASE_URL (PostgreSQL; unset: embedded PGlite), PONDER_SCHEMA or DATABASE_SCHEMA (default gridlease;
 *        --schema wins)
 *
 * It prints which database and schema it uses, passes Ponder's output through, and when Ponder stops on a database
 * failure it says what happened and what to do. Exit codes: 2 a malformed DATABASE_URL, 3 the database cannot be
 * reached (nothing listening, unknown host, no such database, login refused), 4 the schema holds something Ponder
 * cannot reuse; otherwise Ponder's own code.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DatabaseProblem,
  checkDatabase,
  describeDatabase,
  explainPonderFailure,
  parseDatabaseUrl,
  type DatabaseAddress,
} from "./preflight.ts";

const INDEXER_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
const EXIT_CODES = {
  "bad-url": 2,
  unreachable: 3,
  "no-database": 3,
  "refused-login": 3,
  "schema-conflict": 4,
} as const;

const args = process.argv.slice(2);
/** The value of `--name X` or `--name=X` among Ponder's arguments. */
function option(name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i]!.startsWith(`${name}=`)) return args[i]!.slice(name.length + 1);
  }
  return undefined;
}
// Ponder itself reads DATABASE_SCHEMA when --schema is not given; PONDER_SCHEMA is this script's older name for it.
const schema =
  option("--schema") || process.env.PONDER_SCHEMA || process.env.DATABASE_SCHEMA || "gridlease";
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;

async function main(): Promise<number> {
  let address: DatabaseAddress | undefined;
  if (databaseUrl) {
    try {
      address = parseDatabaseUrl(databaseUrl);
      const state = await checkDatabase(databaseUrl, schema);
      console.log(`Indexer database: ${describeDatabase(address, schema, state)}`);
    } catch (err) {
      if (!(err instanceof DatabaseProblem)) throw err;
      console.error(err.message);
      return EXIT_CODES[err.kind];
    }
  } else {
    const dir = process.env.PONDER_PGLITE_DIR || join(INDEXER_DIR, ".ponder", "pglite");
    console.log(
      `Indexer database: embedded PGlite in ${dir}, schema "${schema}" (DATABASE_URL is not set)`,
    );
  }

  const ponderArgs = [
    "ponder",
    "start",
    ...(option("--schema") ? [] : ["--schema", schema]),
    ...(option("--hostname") ? [] : ["--hostname", "127.0.0.1"]),
    ...args,
  ];
  const child = spawn("npx", ponderArgs, {
    cwd: INDEXER_DIR,
    stdio: ["inherit", "pipe", "pipe"],
    env: { ...process.env, PONDER_TELEMETRY_DISABLED: "true" },
  });
  // Ponder's output goes through unchanged; its last lines are kept to explain a failure.
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 400) tail.shift();
  };
  child.stdout.on("data", (chunk: Buffer) => (process.stdout.write(chunk), keep(chunk)));
  child.stderr.on("data", (chunk: Buffer) => (process.stderr.write(chunk), keep(chunk)));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) =>
    child.once("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  if (code !== 0) {
    const why = explainPonderFailure(tail.join(""), address, schema);
    if (why) console.error(`\n${why}`);
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`npm run indexer failed: ${err.message}`);
    process.exit(1);
  },
);
