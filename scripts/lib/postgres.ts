/**
 * A throwaway PostgreSQL server for tests, benchmarks and `npm run dev -- --postgres`: Debian's binaries
 * (`/usr/lib/postgresql/<version>/bin`), `initdb` into a fresh temporary directory, `pg_ctl` on a spare port of
 * 127.0.0.1 only, trust authentication for 127.0.0.1, and everything deleted by `stop()`.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: there the server runs as the `postgres` user (which the
 * Debian package creates) through `runuser`, and the directory is handed to that user.
 */
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sparePort } from "./services.ts";

const run = promisify(execFile);

/** The newest installed server's bin directory, or undefined when Debian's `postgresql` is not installed. */
export function postgresBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, "bin") : undefined;
}

export interface Postgres {
  /** `postgresql://postgres@127.0.0.1:<port>/gridlease` */
  url: string;
  port: number;
  /** The temporary directory: the cluster in `data/`, the socket and the log beside it. */
  dir: string;
  /** The server's log (every statement when started with `log_statement: "all"`). */
  logFile: string;
  /** Runs SQL with psql as the superuser on the `gridlease` database (or `database`); returns psql's -At output. */
  query: (sql: string, database?: string) => Promise<string>;
  /** Creates a database and returns its URL. */
  createDatabase: (name: string) => Promise<string>;
  /** Stops the server (fast shutdown: connections are closed) and keeps the directory, for a restart. */
  halt: () => Promise<void>;
  /** Starts the server again on the same port and directory after `halt`. */
  restart: () => Promise<void>;
  /** Stops the server and deletes its directory. */
  stop: () => Promise<void>;
}

/**
 * Starts a fresh server. `settings` become `-c key=value` options (for example `{ log_statement: "all" }`).
 * Throws a plain message when PostgreSQL is not installed or does not start (with the end of its log).
 */
export async function startPostgres(
  opts: { port?: number; settings?: Record<string, string> } = {},
): Promise<Postgres> {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Install Debian's package: apt-get install -y postgresql",
    );
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "gridlease-pg-"));
  const data = join(dir, "data");
  const logFile = join(dir, "postgres.log");
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  // As root, every server command runs as the `postgres` user. runuser lives in /usr/sbin or /sbin, which a
  // minimal PATH (CI's) may not list.
  const runuser = ["/usr/sbin/runuser", "/sbin/runuser"].find((p) => existsSync(p)) ?? "runuser";
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run(runuser, ["-u", "postgres", "--", join(bin, tool), ...args], { cwd: dir })
      : run(join(bin, tool), args, { cwd: dir });

  try {
    await pg("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "--locale=C",
      "--encoding=UTF8",
    ]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, {
      cause: err,
    });
  }
  const port = opts.port ?? (await sparePort());
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: dir,
    fsync: "off", // a throwaway cluster: durability across a machine crash is not needed
    max_connections: "200",
    ...opts.settings,
  };
  const options = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(" ");

  const start = async () => {
    try {
      await pg("pg_ctl", ["-D", data, "-l", logFile, "-o", options, "-w", "-t", "60", "start"]);
    } catch (err) {
      const log = existsSync(logFile)
        ? (await run("tail", ["-n", "20", logFile])).stdout
        : "(no log)";
      throw new Error(
        `PostgreSQL did not start on 127.0.0.1:${port}: ${(err as { stderr?: string }).stderr ?? String(err)}\n${log}`,
        { cause: err },
      );
    }
  };
  const halt = async () => {
    await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]).catch(() => undefined);
  };
  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const psql = join(bin, "psql");
  const query = async (sql: string, database = "gridlease") =>
    (
      await run(
        psql,
        [
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-U",
          "postgres",
          "-d",
          database,
          "-At",
          "-v",
          "ON_ERROR_STOP=1",
          "-c",
          sql,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      )
    ).stdout;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name: ${name}`);
    await query(`CREATE DATABASE ${name}`, "postgres");
    return `postgresql://postgres@127.0.0.1:${port}/${name}`;
  };
  const url = await createDatabase("gridlease");
  return {
    url,
    port,
    dir,
    logFile,
    query,
    createDatabase,
    halt,
    restart: start,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
