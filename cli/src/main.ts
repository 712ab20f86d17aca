/**
 * `gridlease`: the command-line client of the Gridlease market. Dispatches `gridlease <group> <command>` to the
 * command table and turns every failure into a plain message and an exit code (see exit.ts and cli/README.md).
 * Commands parse their own flags (command.ts); nothing imports this file but the bin script.
 */
import { GLOBAL_HELP } from "./config.ts";
import { toCliError } from "./context.ts";
import { EXIT, ReportedFailure, usage } from "./exit.ts";
import { createOutput, toJson } from "./output.ts";
import type { Command } from "./command.ts";
import { providerCommands } from "./commands/provider.ts";
import { buyerCommands } from "./commands/buyer.ts";
import { reservedCommands } from "./commands/reserved.ts";
import { watchCommand } from "./commands/watch.ts";
import { keyCommands } from "./commands/keys.ts";
import { serveCommand } from "./commands/serve.ts";
import { marketCommands } from "./commands/market.ts";
import { exploreCommands } from "./commands/explore.ts";
import { configCommands } from "./commands/config.ts";
import { verifyCommand } from "./commands/verify.ts";
import { attestCommands } from "./commands/attest.ts";
import { outageCommands } from "./commands/outage.ts";
import { creditCommands } from "./commands/credits.ts";
import { auditCommands } from "./commands/audit.ts";
import { reviewCommands } from "./commands/review.ts";
import { vettingCommands } from "./commands/vetting.ts";
import { reputationCommands } from "./commands/reputation.ts";

/** Every command, in the order `gridlease --help` lists them. */
export const COMMANDS: Command[] = [
  ...providerCommands,
  serveCommand,
  ...buyerCommands,
  ...reservedCommands,
  watchCommand,
  verifyCommand,
  ...attestCommands,
  ...auditCommands,
  ...reviewCommands,
  ...vettingCommands,
  ...reputationCommands,
  ...outageCommands,
  ...creditCommands,
  ...keyCommands,
  ...marketCommands,
  ...exploreCommands,
  ...configCommands,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: gridlease <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `gridlease <command> --help` for a command's options.",
    "",
    GLOBAL_HELP,
    "",
    "Exit codes: 0 ok, 1 unexpected error, 2 bad usage, 3 rejected by the chain, 4 RPC or indexer unreachable,",
    "5 configuration or key problem, 6 not enough funds, 7 not found or not ready, 8 hardware mismatch (lease verify),",
    "9 NVIDIA attestation did not pass (lease verify --attest, attest verify, provider attest).",
  ].join("\n");
}

/** Finds the longest command name matching the first words of argv. */
function findCommand(argv: string[]): { command?: Command; rest: string[]; words: string[] } {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-")) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const name = words.slice(0, n).join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(n), words };
  }
  return { rest: argv, words };
}

/** Runs `gridlease <argv>` and returns its exit code. */
export async function run(
  argv: string[],
  streams = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const wantsJson = argv.includes("--json");
  const out = createOutput(wantsJson, streams);
  const fail = (err: unknown): number => {
    const e = toCliError(err);
    if (wantsJson && !(err instanceof ReportedFailure))
      streams.out.write(
        `${toJson({ error: { code: e.exitCode, kind: e.kind, message: e.message } }, 2)}\n`,
      );
    streams.err.write(`gridlease: ${e.message}\n`);
    if (e.exitCode === EXIT.USAGE && !wantsJson)
      streams.err.write("Run `gridlease --help` (or `<command> --help`) for usage.\n");
    return e.exitCode;
  };
  try {
    const { command, rest, words } = findCommand(argv);
    if (!command) {
      if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
        streams.out.write(`${overview()}\n`);
        return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
      }
      if (words.length > 0 && (argv.includes("--help") || argv.includes("-h"))) {
        const group = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `));
        if (group.length > 0) {
          streams.out.write(
            `Usage: gridlease ${words[0]} <command>\n\n${group.map((c) => `  ${c.name}  ${c.summary}`).join("\n")}\n`,
          );
          return EXIT.OK;
        }
      }
      throw usage(`Unknown command: ${words.join(" ") || argv[0]}`);
    }
    await command.execute(rest, out, (text) => streams.out.write(text));
    return EXIT.OK;
  } catch (err) {
    return fail(err);
  }
}
