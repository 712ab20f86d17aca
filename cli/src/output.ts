/**
 * Output: `--json` prints one JSON document on stdout (bigints as decimal strings) and nothing else there;
 * human mode prints results on stdout and progress on stderr. Secrets never pass through here.
 */
export interface Output {
  json: boolean;
  /** A progress line (stderr), shown in human mode only. */
  progress(message: string): void;
  /** The command's result: `data` as JSON in --json mode, else `human()` lines. */
  result(data: unknown, human?: () => string): void;
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}

export function createOutput(
  json: boolean,
  streams = { out: process.stdout, err: process.stderr },
): Output {
  return {
    json,
    progress(message) {
      if (!json) streams.err.write(`${message}\n`);
    },
    result(data, human) {
      if (json) streams.out.write(`${toJson(data, 2)}\n`);
      else streams.out.write(`${human ? human() : toJson(data, 2)}\n`);
    },
  };
}
