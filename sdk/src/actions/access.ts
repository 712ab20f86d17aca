/** The buyer's side of access delivery: find a lease's sealed access payload on-chain and open it. */
import { isAddressEqual, type Address, type BlockNumber, type BlockTag, type Hex } from "viem";
import { getContractEvents } from "viem/actions";
import { openAccess, type AccessDetails } from "../accessKeys.ts";
import { gridleaseDeployment } from "../contracts.ts";
import { describeRevert } from "../errors.ts";
import { gridleaseMarketAbi } from "../generated/abis.ts";
import type { OnMarket, ReadClient } from "./types.ts";

/** Where event scans start: the deployment's start block for a known market, else the chain's first block. */
function defaultFromBlock(c: ReadClient, market: Address): BlockNumber | BlockTag {
  try {
    const known = gridleaseDeployment(c.chain?.id ?? -1).contracts.GridleaseMarket;
    if (known && isAddressEqual(known.address, market)) return BigInt(known.startBlock);
  } catch {
    // Not a known chain: scan from the start.
  }
  return "earliest";
}

/**
 * The latest sealed access payload posted for a lease (activation, rotation, or an outage resolution that brought
 * new details), or undefined before activation. A resolution with no new details ("0x") keeps the one before.
 */
export async function getAccessPayload(
  c: ReadClient,
  p: OnMarket & { leaseId: bigint; fromBlock?: BlockNumber | BlockTag },
): Promise<{ encryptedAccess: Hex; blockNumber: bigint; rotated: boolean } | undefined> {
  const fromBlock = p.fromBlock ?? defaultFromBlock(c, p.market);
  const scan = (eventName: "LeaseActivated" | "LeaseAccessRotated" | "OutageResolved") =>
    getContractEvents(c, {
      address: p.market,
      abi: gridleaseMarketAbi,
      eventName,
      args: { leaseId: p.leaseId },
      fromBlock,
      strict: true,
    });
  const logs = [
    ...(await scan("LeaseActivated")),
    ...(await scan("LeaseAccessRotated")),
    ...(await scan("OutageResolved")).filter((log) => log.args.encryptedAccess !== "0x"),
  ];
  // Mined logs only (the scan ends at the latest block), ordered by position in the chain.
  const position = (log: (typeof logs)[number]) =>
    [log.blockNumber ?? 0n, log.logIndex ?? 0] as const;
  const latest = logs.reduce<(typeof logs)[number] | undefined>((best, log) => {
    if (!best) return log;
    const [b, i] = position(best);
    const [lb, li] = position(log);
    return lb > b || (lb === b && li > i) ? log : best;
  }, undefined);
  if (!latest) return undefined;
  return {
    encryptedAccess: latest.args.encryptedAccess,
    blockNumber: position(latest)[0],
    rotated: latest.eventName !== "LeaseActivated",
  };
}

/**
 * The buyer's side of access delivery: finds the lease's latest payload and the public key it was opened with,
 * and decrypts with `secretKey` (a wrong key is reported as such).
 */
export async function readAccessDetails(
  c: ReadClient,
  p: OnMarket & {
    leaseId: bigint;
    secretKey: Uint8Array | Hex;
    fromBlock?: BlockNumber | BlockTag;
  },
): Promise<AccessDetails> {
  const fromBlock = p.fromBlock ?? defaultFromBlock(c, p.market);
  const [opened] = await getContractEvents(c, {
    address: p.market,
    abi: gridleaseMarketAbi,
    eventName: "LeaseOpened",
    args: { leaseId: p.leaseId },
    fromBlock,
    strict: true,
  });
  if (!opened) throw new Error(describeRevert("Market_UnknownLease", [p.leaseId]));
  const payload = await getAccessPayload(c, { ...p, fromBlock });
  if (!payload)
    throw new Error(
      `Lease #${p.leaseId} has no access details yet: the provider has not activated it.`,
    );
  return openAccess(p.secretKey, payload.encryptedAccess, {
    expectedPublicKey: opened.args.buyerPublicKey,
  });
}
