/** EIP-2612 permits: sign one, and open a lease with one in a single transaction (no separate approval). */
import { isAddressEqual, parseSignature, zeroAddress, type Address, type Hex } from "viem";
import { getChainId, readContract, signTypedData } from "viem/actions";
import { describeRevert } from "../errors.ts";
import { gridleaseTokenAbi } from "../generated/abis.ts";
import { cost } from "../pricing.ts";
import { chainTime, getOffer } from "./reads.ts";
import { writeMarket, type Sent } from "./transactions.ts";
import type { ReadClient, SignerClient } from "./types.ts";
import { leaseIdOf, type LeaseRequest } from "./writes.ts";

/** An EIP-2612 permit signature, split for a contract call. */
export interface PermitSignature {
  value: bigint;
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
}

/**
 * Signs an EIP-2612 permit letting `spender` take `value` of the sender's `token` until `deadline` (default: 30
 * minutes of chain time). The domain comes from the token (EIP-5267 `eip712Domain`, else `name` and version "1").
 */
export async function signPermit(
  w: SignerClient,
  p: { token: Address; spender: Address; value: bigint; deadline?: bigint },
): Promise<PermitSignature> {
  const owner = w.account.address;
  const [domain, nonce, deadline] = await Promise.all([
    permitDomain(w, p.token),
    readContract(w, {
      address: p.token,
      abi: gridleaseTokenAbi,
      functionName: "nonces",
      args: [owner],
    }),
    p.deadline ?? chainTime(w).then((now) => now + 1800n),
  ]);
  const signature = await signTypedData(w, {
    account: w.account,
    domain,
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner, spender: p.spender, value: p.value, nonce, deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { value: p.value, deadline, r, s, v: Number(v ?? BigInt(yParity) + 27n) };
}

async function permitDomain(c: ReadClient, token: Address) {
  try {
    const [, name, version, chainId, verifyingContract] = await readContract(c, {
      address: token,
      abi: gridleaseTokenAbi,
      functionName: "eip712Domain",
    });
    return { name, version, chainId: Number(chainId), verifyingContract };
  } catch {
    // Tokens without EIP-5267: OpenZeppelin's and most others use version "1".
    const [name, chainId] = await Promise.all([
      readContract(c, { address: token, abi: gridleaseTokenAbi, functionName: "name" }),
      getChainId(c),
    ]);
    return { name, version: "1", chainId, verifyingContract: token };
  }
}

/**
 * Opens a lease in one transaction with an EIP-2612 permit it signs first (no separate approval). The permit
 * covers the deposit at `maxPricePerGpuHour` unless `permitValue` says otherwise, and is valid for 30 minutes of
 * chain time unless `permitDeadline` says otherwise. `wait()` gives the `leaseId`.
 */
export async function openLeaseWithPermit(
  w: SignerClient,
  p: LeaseRequest & { permitValue?: bigint; permitDeadline?: bigint },
): Promise<Sent<{ leaseId: bigint }>> {
  const offer = await getOffer(w, p);
  if (isAddressEqual(offer.provider, zeroAddress))
    throw new Error(describeRevert("Market_UnknownOffer", [p.offerId]));
  const value =
    p.permitValue ?? cost(p.maxPricePerGpuHour, BigInt(offer.gpusPerUnit) * p.units, p.duration);
  const permit = await signPermit(w, {
    token: offer.paymentToken,
    spender: p.market,
    value,
    deadline: p.permitDeadline,
  });
  return writeMarket(
    w,
    p.market,
    "openLeaseWithPermit",
    [
      p.offerId,
      p.units,
      p.duration,
      p.maxPricePerGpuHour,
      p.buyerPublicKey,
      value,
      permit.deadline,
      permit.v,
      permit.r,
      permit.s,
    ],
    leaseIdOf,
  );
}
