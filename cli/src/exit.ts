/**
 * Exit codes of the `gridlease` command. Scripts branch on these, so they never change meaning.
 */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** Something unexpected (a bug, or an error this tool does not know): the message says what. */
  INTERNAL: 1,
  /** Bad command line: unknown command or flag, missing or malformed value. */
  USAGE: 2,
  /** The chain refused: a contract revert (decoded), or a transaction that reverted. */
  REJECTED: 3,
  /** The RPC endpoint (or the indexer) could not be reached. */
  UNREACHABLE: 4,
  /** Configuration or key problem: no account, wrong keystore password, unreadable key file, unknown chain. */
  CONFIG: 5,
  /** Not enough funds: gas money, token balance or allowance. */
  FUNDS: 6,
  /** The thing asked for does not exist or is not ready yet (e.g. a lease without access details). */
  NOT_FOUND: 7,
  /** A check failed: `lease verify` found the machine other than listed or sealed. */
  MISMATCH: 8,
  /** NVIDIA attestation did not pass: a report that fails verification (wrong nonce, chain, signature, firmware),
   *  a host without confidential computing, or attestation output that cannot be parsed. */
  ATTESTATION_FAILED: 9,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the person at the terminal: a plain message and the exit code it maps to. */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: ExitCode;
  readonly kind: string;

  constructor(exitCode: ExitCode, message: string, kind = "error") {
    super(message);
    this.exitCode = exitCode;
    this.kind = kind;
  }
}

/** A failure whose result the command has already printed (stdout keeps one JSON document): only its message goes to stderr. */
export class ReportedFailure extends CliError {
  override name = "ReportedFailure";
}

/** A usage error (exit 2). */
export const usage = (message: string) => new CliError(EXIT.USAGE, message, "usage");

/** The message of anything thrown (an Error's message, else its string form). */
export const errorMessage = (err: unknown): string =>
  err instanceof Error ? err.message : String(err);

/** The `code` of a Node system error ("ENOENT", "EEXIST"), if it has one. */
export const errorCode = (err: unknown): string | undefined =>
  err instanceof Error && "code" in err && typeof err.code === "string" ? err.code : undefined;
