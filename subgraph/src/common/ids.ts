// Ids and labels, as in indexer/src/store.ts.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

export const SECONDS_PER_DAY = BigInt.fromI32(86400);
export const SECONDS_PER_HOUR = BigInt.fromI32(3600);
export const ZERO = BigInt.zero();

/** End reasons in the order of `EndReason` in contracts/types/DataTypes.sol. */
export const END_REASONS: string[] = [
  "None",
  "Expired",
  "BuyerTerminated",
  "ProviderTerminated",
  "NoShowCancelled",
  "OutageUnresolved",
  "Unfunded",
];

export function endReasonName(reason: i32): string {
  return reason >= 0 && reason < END_REASONS.length ? END_REASONS[reason] : "None";
}

/** Ids of address-keyed entities: lowercase hex. */
export function idOf(address: Address): string {
  return address.toHexString();
}

/** Rows derived from one log: `<txHash>-<logIndex>`. */
export function logId(event: ethereum.Event): string {
  return event.transaction.hash.toHexString() + "-" + event.logIndex.toString();
}

/** A right-zero-padded ASCII label (bytes32 GPU model, bytes8 region) as text, like sdk/src/labels.ts. */
export function decodeLabel(bytes: Bytes): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] == 0) end--;
  return String.UTF8.decode(bytes.slice(0, end).buffer);
}
