/** What every benchmark report records about the run itself: the machine and the commit measured. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";

/** The commit measured, with "+changes" when tracked files differ from it. */
export function gitCommit(): string {
  const git = (...a: string[]) => execFileSync("git", a, { encoding: "utf8" }).trim();
  const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
  return `${git("rev-parse", "--short", "HEAD")}${dirty ? "+changes" : ""}`;
}

/** The load average now (1, 5, 15 minutes): how busy the shared machine was. */
export const loadAverage = () => loadavg().map((x) => Number(x.toFixed(2)));

/** The machine: CPU model, cores, RAM, Node and PGlite versions, and the load average at the start. */
export function machineInfo() {
  const pglite = JSON.parse(
    readFileSync(
      new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url),
      "utf8",
    ),
  ) as { version: string };
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    ramGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeRamGiBAtStart: Number((freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
    pglite: pglite.version,
    loadAverageAtStart: loadAverage(),
  };
}
