/** Chain time as people see it: "now" on the chain, and countdowns to a deadline. */

/**
 * "Now" on the chain, in unix seconds. A chain's clock can run ahead of the local one (a test chain moved with
 * evm_increaseTime); when it does, the latest block's time plus the seconds since it was read is used, otherwise
 * the local clock (a chain that has been idle for a while has an old latest block, but its next block will not be).
 */
export function chainNow(
  localNowMs: number,
  block?: { timestamp: bigint; readAtMs: number },
): bigint {
  const local = BigInt(Math.floor(localNowMs / 1000));
  if (!block) return local;
  const sinceRead = BigInt(Math.max(0, Math.floor((localNowMs - block.readAtMs) / 1000)));
  const chain = block.timestamp + sinceRead;
  return chain > local ? chain : local;
}

/** Seconds as a ticking countdown: "2d 03:04:05", "03:04:05". */
export function formatCountdown(seconds: bigint): string {
  const s = seconds < 0n ? 0n : seconds;
  const days = s / 86_400n;
  const rest = s % 86_400n;
  const pad = (n: bigint) => n.toString().padStart(2, "0");
  const hms = `${pad(rest / 3600n)}:${pad((rest % 3600n) / 60n)}:${pad(rest % 60n)}`;
  return days > 0n ? `${days}d ${hms}` : hms;
}
