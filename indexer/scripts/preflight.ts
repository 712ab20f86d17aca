/**
 * Checks a PostgreSQL database before `ponder start` uses it, and turns Ponder's database failures into plain words.
 *
 * Ponder 0.16.10 retries for about a minute and then says only "Failed to connect to database. Please check your
 * database connection settings." for a malformed URL, a server that is not running and a database that does not
 * exist alike, and refuses a schema written by another build with a one-line error. The dev stack
 * (scripts/lib/stack.ts) and `npm run indexer` (./start.ts) run `checkDatabase` first, and pass what Ponder prints
 * when it stops through `explainPonderFailure`.
 *
 * Nothing here writes to the database: every check is a read.
 */
import pg from "pg";

/** What went wrong, for callers that pick an exit code. */
export type DatabaseProblemKind =
  "bad-url" | "unreachable" | "no-database" | "refused-login" | "schema-conflict";

/** A database the indexer cannot use, with a message that says what happened and what to do. */
export class DatabaseProblem extends Error {
  readonly kind: DatabaseProblemKind;
  constructor(kind: DatabaseProblemKind, message: string) {
    super(message);
    this.name = "DatabaseProblem";
    this.kind = kind;
  }
}

/** The parts of a PostgreSQL URL the messages name. */
export interface DatabaseAddress {
  host: string;
  port: number;
  database: string;
  user: string;
  /** The URL with its password replaced by `***`, safe to print. */
  display: string;
}

const URL_SHAPE = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE";

/** Replaces the password of anything URL-like with `***`, so that a message never prints it. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, "$1***@");
}

/** Parses DATABASE_URL; throws a `bad-url` DatabaseProblem naming what is wrong with it. */
export function parseDatabaseUrl(raw: string): DatabaseAddress {
  const bad = (why: string) =>
    new DatabaseProblem(
      "bad-url",
      `DATABASE_URL ${JSON.stringify(redactUrl(raw))} is not a PostgreSQL URL: ${why}. ` +
        `Expected ${URL_SHAPE}, for example postgresql://postgres@127.0.0.1:5432/gridlease. Nothing was started.`,
    );
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw bad("it cannot be parsed as a URL");
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:")
    throw bad(`it starts with "${url.protocol}" instead of "postgresql:"`);
  if (!url.hostname) throw bad("it has no host");
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database) throw bad("it names no database (the path after the host)");
  if (database.includes("/")) throw bad(`"${database}" is not a database name`);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    database,
    user: decodeURIComponent(url.username) || "(the login user)",
    display: redactUrl(raw.trim()),
  };
}

/** Ponder's bookkeeping row for a schema (`_ponder_meta`, key "app"); the fields the checks read. */
interface PonderApp {
  version?: string;
  build_id?: string;
  is_locked?: number;
  is_dev?: number;
  is_ready?: number;
  heartbeat_at?: number;
}

/** What the schema holds before Ponder starts. */
export type SchemaState =
  | { state: "new" }
  | { state: "existing"; buildId: string; ready: boolean; lastActiveMs: number; locked: boolean };

/** The `_ponder_meta` layout this Ponder (0.16) writes; another layout is another Ponder version. */
const PONDER_META_VERSION = "6";
/** Ponder's `databaseHeartbeatTimeout`: a lock whose heartbeat is older belongs to a stopped process. */
const HEARTBEAT_TIMEOUT_MS = 25_000;

const dropHint = (schema: string, address: DatabaseAddress) =>
  `psql "${address.display}" -c 'DROP SCHEMA "${schema}" CASCADE'`;

/** The connection error of `pg` in plain words. */
function connectionProblem(err: NodeJS.ErrnoException, address: DatabaseAddress): DatabaseProblem {
  const where = `${address.host}:${address.port}`;
  switch (err.code) {
    case "ECONNREFUSED":
      return new DatabaseProblem(
        "unreachable",
        `Nothing is listening on ${where} (connection refused), so the indexer cannot use ${address.display}. ` +
          `Start PostgreSQL there, or point DATABASE_URL at a running server (npm run dev -- --postgres starts one for you).`,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new DatabaseProblem(
        "unreachable",
        `The host "${address.host}" of DATABASE_URL is not known (${err.code}). Check the host name in ${address.display}.`,
      );
    case "3D000":
      return new DatabaseProblem(
        "no-database",
        `PostgreSQL on ${where} answers, but has no database "${address.database}". Create it ` +
          `(createdb -h ${address.host} -p ${address.port} ${address.database}) or name an existing one in DATABASE_URL.`,
      );
    case "28P01":
    case "28000":
      return new DatabaseProblem(
        "refused-login",
        `PostgreSQL on ${where} refused user "${address.user}" for database "${address.database}": ${err.message}. ` +
          `Check the user and password in DATABASE_URL and the server's pg_hba.conf.`,
      );
    default:
      return new DatabaseProblem(
        "unreachable",
        `Cannot connect to PostgreSQL at ${where} (${address.display}): ${err.message || err.code || String(err)}.`,
      );
  }
}

/**
 * Connects to `url` and reads what `schema` holds. Throws a DatabaseProblem for a malformed URL, a server that does
 * not answer, a missing database, a refused login, and a schema written by another Ponder version or by something
 * else. Never writes.
 */
export async function checkDatabase(
  url: string,
  schema: string,
  opts: { timeoutMs?: number } = {},
): Promise<SchemaState> {
  const address = parseDatabaseUrl(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: opts.timeoutMs ?? 5_000,
  });
  // A connection that drops later emits "error" on the client; without a listener Node would crash.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    const e = err as NodeJS.ErrnoException;
    if (/timeout/i.test(e.message ?? ""))
      throw new DatabaseProblem(
        "unreachable",
        `PostgreSQL at ${address.host}:${address.port} did not answer within ${(opts.timeoutMs ?? 5_000) / 1000} s. ` +
          `Check that the server runs and that DATABASE_URL (${address.display}) names the right host and port.`,
      );
    throw connectionProblem(e, address);
  }
  try {
    return await readSchema(client, schema, address);
  } finally {
    await client.end().catch(() => {});
  }
}

async function readSchema(
  client: pg.Client,
  schema: string,
  address: DatabaseAddress,
): Promise<SchemaState> {
  const tables = await client.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = $1",
    [schema],
  );
  if (tables.rows.length === 0) return { state: "new" };
  if (!tables.rows.some((t) => t.name === "_ponder_meta"))
    throw new DatabaseProblem(
      "schema-conflict",
      `Schema "${schema}" in ${address.display} already holds ${tables.rows.length} tables that Ponder did not ` +
        `create (no _ponder_meta table), so the indexer will not write there. Use another schema ` +
        `(--schema NAME, or PONDER_SCHEMA=NAME for npm run indexer).`,
    );
  const meta = await client.query<{ value: PonderApp }>(
    `select value from ${client.escapeIdentifier(schema)}._ponder_meta where key = 'app'`,
  );
  const app = meta.rows[0]?.value;
  if (!app) return { state: "new" };
  if (app.version !== PONDER_META_VERSION)
    throw new DatabaseProblem(
      "schema-conflict",
      `Schema "${schema}" in ${address.display} holds an index written by another version of Ponder ` +
        `(its bookkeeping is version ${app.version ?? "unknown"}, this indexer writes version ${PONDER_META_VERSION}). ` +
        `Ponder cannot reuse it and leaves it untouched. Index into another schema (--schema NAME, or ` +
        `PONDER_SCHEMA=NAME for npm run indexer), or drop the old one if you no longer need it: ` +
        `${dropHint(schema, address)} (the index is rebuilt from the chain).`,
    );
  const lastActiveMs = Date.now() - (app.heartbeat_at ?? 0);
  return {
    state: "existing",
    buildId: app.build_id ?? "unknown",
    ready: app.is_ready === 1,
    lastActiveMs,
    // A running indexer renews its lock every 10 s. A stopped one that could not release it (its database went
    // away) holds it until the heartbeat is 25 s old; Ponder waits that long, then takes the schema over.
    locked: app.is_locked === 1 && lastActiveMs < HEARTBEAT_TIMEOUT_MS,
  };
}

/** One line for start-up output: which database and schema the indexer uses, and what it will do with it. */
export function describeDatabase(address: DatabaseAddress, schema: string, state: SchemaState) {
  const where = `PostgreSQL ${address.display}, schema "${schema}"`;
  if (state.state === "new") return `${where} (new: the index is built from the start block)`;
  const ago = Math.round(state.lastActiveMs / 1000);
  const lock = state.locked
    ? "; its last indexer's lock is still fresh, so Ponder first waits up to 25 s for it to expire, and stops if another indexer still holds it"
    : "";
  return (
    `${where} (holds an index of build ${state.buildId}, last written ${ago} s ago: Ponder resumes it if it ` +
    `was written by this same build, and refuses it otherwise${lock})`
  );
}

/**
 * Ponder's database failures, from what it printed before it stopped (text or JSON logs), in plain words; undefined
 * when its output names none of them. `address` and `schema` are what it was started with.
 */
export function explainPonderFailure(
  output: string,
  address: DatabaseAddress | undefined,
  schema: string,
): string | undefined {
  const db = address ? address.display : "the database";
  const otherSchema = `Index into another schema (--schema NAME, or PONDER_SCHEMA=NAME for npm run indexer)`;
  if (/was previously used by a different Ponder app/.test(output))
    return (
      `Schema "${schema}" in ${db} holds an index written by a different build of this indexer (its handlers, ` +
      `schema or config have changed since), and Ponder never overwrites one. Nothing in it was changed. ` +
      `${otherSchema}, or drop the old one if you no longer need it` +
      (address ? `: ${dropHint(schema, address)}` : "") +
      ` (the index is rebuilt from the chain).`
    );
  if (/with a different minor version/.test(output))
    return (
      `Schema "${schema}" in ${db} holds an index written by another version of Ponder; Ponder cannot reuse it ` +
      `and left it untouched. ${otherSchema}, or drop the old one` +
      (address ? `: ${dropHint(schema, address)}` : "") +
      "."
    );
  if (/Failed to acquire lock on schema/.test(output))
    return `Schema "${schema}" in ${db} is in use by another running indexer. Stop that one first, or ${otherSchema.toLowerCase()}.`;
  if (
    address &&
    /ECONNREFUSED|Connection terminated|terminating connection|connection to server|Failed to connect to database|the database system is shutting down|Client has encountered a connection error/i.test(
      output,
    )
  )
    return (
      `The indexer lost its connection to PostgreSQL (${db}) and stopped. What it had indexed is safe: Ponder ` +
      `commits whole blocks with their checkpoint. Start PostgreSQL again and restart the indexer with the same ` +
      `DATABASE_URL and schema ("${schema}"): it resumes from its last checkpoint, with no row lost or indexed twice.`
    );
  return undefined;
}
