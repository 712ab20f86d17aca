/**
 * The provider agent's persisted state: which blocks it has scanned, which offers are the provider's, and where
 * each lease stands (its phase). Written atomically after every change, so a restart resumes where it stopped;
 * a lock file beside it keeps two agents from serving from the same state.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { getAddress, type Address, type Hex } from "viem";
import { CliError, errorMessage, EXIT } from "../exit.ts";

/** Where the agent is with a lease. */
export type LeasePhase =
  | "new" // seen, not yet provisioned
  | "provisioning" // hook running (re-run after a crash)
  | "activating" // hook done, activation sent or about to be
  | "active"
  | "hook-failed" // never activated; waits for the lease to be cancelled
  | "missed" // activation deadline passed before it could be activated
  | "done"; // deprovisioned and closed (or ended)

/** What the agent remembers of one lease. */
export interface LeaseRecord {
  offerId: string;
  buyer: Address;
  buyerPublicKey: Hex;
  phase: LeasePhase;
  provisioned: boolean;
  activationTx?: Hex;
  closeTx?: Hex;
  endReason?: string;
  error?: string;
  /** Ended and fully paid out: nothing more to claim, so claims skip it. */
  settled?: boolean;
  updatedAt: string;
}

/** The whole state file. */
export interface AgentState {
  version: 1;
  chainId: number;
  market: Address;
  provider: Address;
  /** Last block whose events are fully handled. */
  lastBlock: string;
  offers: string[];
  leases: Record<string, LeaseRecord>;
}

/** Phases the agent is done with: it never looks at such a lease again. */
export const TERMINAL: LeasePhase[] = ["done", "missed"];

/** Reads the state file, or a fresh state when there is none; refuses one of another provider, market or chain. */
export function loadState(
  path: string,
  init: Omit<AgentState, "lastBlock" | "offers" | "leases"> & { lastBlock: bigint },
): AgentState {
  if (!existsSync(path))
    return { ...init, version: 1, lastBlock: init.lastBlock.toString(), offers: [], leases: {} };
  let state: AgentState;
  try {
    state = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CliError(EXIT.CONFIG, `Cannot read the agent state ${path}: ${errorMessage(err)}`);
  }
  if (state.version !== 1)
    throw new CliError(EXIT.CONFIG, `${path}: unknown state version ${state.version}`);
  if (
    state.chainId !== init.chainId ||
    getAddress(state.market) !== getAddress(init.market) ||
    getAddress(state.provider) !== getAddress(init.provider)
  )
    throw new CliError(
      EXIT.CONFIG,
      `${path} belongs to provider ${state.provider} on market ${state.market} (chain ${state.chainId}), not to this one: use another --state file.`,
    );
  return state;
}

/** Writes the state atomically (temporary file + rename), mode 0600. */
export function saveState(path: string, state: AgentState) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Holds `${statePath}.lock` so that two agents never serve the same provider from one state file. */
export function acquireLock(statePath: string): () => void {
  const lock = `${statePath}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => rmSync(lock, { force: true });
    } catch {
      const pid = Number(readFileSync(lock, "utf8"));
      if (isAlive(pid) && pid !== process.pid)
        throw new CliError(EXIT.CONFIG, `Another agent (pid ${pid}) is serving with ${statePath}.`);
      rmSync(lock, { force: true }); // stale lock of a dead agent
    }
  }
  throw new CliError(EXIT.CONFIG, `Cannot take the lock ${lock}.`);
}

/** Whether a process with this id exists (signal 0 checks without signalling). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
