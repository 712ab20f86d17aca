/** Where Gridlease is deployed, and where to look up a transaction or an address. */
import type { Address, Hex } from "viem";
import { gridleaseAddresses, gridleaseChainIds } from "@gridlease/sdk";

export interface GridleaseAddressBook {
  market: Address;
  grid: Address;
  usd?: Address;
  policy?: Address;
}

/** The Gridlease contracts on a chain, or undefined where it is not deployed. */
export function addressesOn(chainId: number): GridleaseAddressBook | undefined {
  if (!gridleaseChainIds().includes(chainId)) return undefined;
  return gridleaseAddresses(chainId);
}

/** Where to look a transaction up: the chain's block explorer, or this app's explorer on the local chain. */
export function txUrl(chainId: number, hash: Hex): string {
  if (chainId === 84532) return `https://sepolia.basescan.org/tx/${hash}`;
  return `/explorer/search?q=${hash}`;
}

/** This app's explorer page of an address. */
export function addressUrl(address: string): string {
  return `/explorer/address/${address.toLowerCase()}`;
}
