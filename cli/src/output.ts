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

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}

/** The output of one run: JSON or human, on the given streams. */
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

/** Renders rows as an aligned text table: a header, a rule, one line per row (trailing spaces trimmed). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
