/**
 * The command type, one floor below the commands and main.ts: every command file builds its commands with
 * `defineCommand`, whose `values` are typed from the command's own parseArgs options (plus the global ones), so
 * no command casts its flags. main.ts only dispatches; it is imported by no command.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import {
  GLOBAL_HELP,
  GLOBAL_OPTIONS,
  resolveSettings,
  type Flags,
  type Settings,
} from "./config.ts";
import { createContext, type Context } from "./context.ts";
import { usage } from "./exit.ts";
import type { Output } from "./output.ts";

/** The parseArgs configuration of a command with options `O` (the global options are always there). */
type ParseConfig<O extends ParseArgsOptionsConfig> = {
  args: string[];
  options: typeof GLOBAL_OPTIONS & O;
  strict: true;
  allowPositionals: boolean;
};

/** A command's parsed flags, typed by node's own parseArgs types: strings, booleans, defaults applied. */
export type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<ParseConfig<O>>
>["values"];

/** What a command's `run` receives. */
export interface RunArgs<O extends ParseArgsOptionsConfig> {
  values: Values<O>;
  positionals: string[];
  out: Output;
  /** Connects to the RPC (after the command has checked its arguments); the same context on every call. */
  connect: () => Promise<Context>;
  settings: Settings;
}

/** A command as a command file writes it. */
export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  /** "provider register" */
  name: string;
  summary: string;
  /** Usage lines after the command name, and option descriptions. */
  help: string;
  options: O;
  /** Takes positional arguments (e.g. `explore lease 7`). */
  positionals?: boolean;
  run(args: RunArgs<O>): Promise<void>;
}

/** A command as main.ts dispatches it: its options are hidden inside `execute`. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  /** Parses the arguments after the command's name and runs it (or prints its help for --help). */
  execute(argv: string[], out: Output, write: (text: string) => void): Promise<void>;
}

/** The `--help` text of a command. */
export function commandHelp(c: Pick<Command, "name" | "summary" | "help">): string {
  return [`Usage: gridlease ${c.name} ${c.help}`, "", c.summary, "", GLOBAL_HELP].join("\n");
}

/** Builds a command whose `run` gets its flags typed from `options`. */
export function defineCommand<const O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    help: spec.help,
    async execute(argv, out, write) {
      let parsed;
      try {
        parsed = parseArgs<ParseConfig<O>>({
          args: argv,
          options: { ...GLOBAL_OPTIONS, ...spec.options },
          allowPositionals: spec.positionals ?? false,
          strict: true,
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw usage(message.replace(/\. To specify a positional.*$/s, ""));
      }
      const { values, positionals } = parsed;
      // The global flags, read through their own type (the command's values are opaque in this generic code).
      const globals: Flags & { help?: boolean } = values;
      if (globals.help) {
        write(`${commandHelp(spec)}\n`);
        return;
      }
      const settings = resolveSettings(globals);
      let ctx: Promise<Context> | undefined;
      const connect = () => (ctx ??= createContext(settings, out));
      await spec.run({ values, positionals, out, connect, settings });
    },
  };
}
