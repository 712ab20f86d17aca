/** Offer attestation claims: OfferAttestationPublished. The latest claim of an offer replaces the one before. */
import { ponder } from "ponder:registry";
import { offer, offerAttestation } from "ponder:schema";
import { idOf, touchProvider } from "./store.ts";

ponder.on("GridleaseMarket:OfferAttestationPublished", async ({ event, context }) => {
  const { timestamp, number } = event.block;
  const { offerId, generation, nonceBlock, nonce, reportHash, report, certChain } = event.args;
  const id = offerId.toString();
  const claim = {
    offer: id,
    provider: idOf(event.args.provider),
    generation,
    nonceBlock,
    nonce,
    reportHash,
    report,
    certChain,
    publishedAt: timestamp,
    blockNumber: number,
    txHash: idOf(event.transaction.hash) as `0x${string}`,
  };
  await context.db
    .insert(offerAttestation)
    .values({ id, ...claim })
    .onConflictDoUpdate(claim);
  await context.db.update(offer, { id }).set({ attestation: id, updatedAt: timestamp });
  await touchProvider(context.db, claim.provider, timestamp);
});
