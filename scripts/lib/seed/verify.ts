/** The seed's final check: every lease read back from the chain agrees with the model. */
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { END_REASON_CODE, endOf, statusOf, type SeedState } from "./model.ts";

/** Reads every lease back from the chain and checks it against the model. */
export async function verify(s: SeedState, now: bigint) {
  const { market } = s.addresses;
  const [offerCount, leaseCount] = await Promise.all([
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "offerCount" }),
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "leaseCount" }),
  ]);
  if (offerCount !== BigInt(s.offers.length) || leaseCount !== BigInt(s.leases.length))
    throw new Error(
      `seed: chain has ${offerCount} offers and ${leaseCount} leases, the model ${s.offers.length} and ${s.leases.length}`,
    );
  const views = await Promise.all(
    s.leases.map((l) =>
      s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "getLease", args: [l.id] }),
    ),
  );
  const code = { pending: 1, pendingPastWindow: 1, active: 2, expired: 3, ended: 4 } as const;
  views.forEach((v, i) => {
    const l = s.leases[i];
    const status = statusOf(l, now);
    const endNear = l.phase === "active" && endOf(l) - now < 600n && now - endOf(l) < 600n;
    const okStatus = v.status === code[status] || (endNear && (v.status === 2 || v.status === 3));
    const okReason = v.endReason === (l.reason ? END_REASON_CODE[l.reason] : 0);
    if (!okStatus || !okReason || v.settled !== l.settled || v.duration !== l.duration)
      throw new Error(
        `seed: lease ${l.id} differs from the model (${JSON.stringify({ status: v.status, endReason: v.endReason, settled: String(v.settled), duration: String(v.duration) })} vs ${status} ${l.reason ?? ""} ${l.settled} ${l.duration})`,
      );
  });
}
