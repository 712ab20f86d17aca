/**
 * Offers: OfferCreated, OfferTermsSet, OfferPriceChanged, OfferUnitsChanged, OfferPausedSet, OfferRepairWindowSet.
 */
import { ponder } from "ponder:registry";
import { offer, offerPriceChange } from "ponder:schema";
import { decodeGpuModel, decodeRegion } from "@gridlease/sdk/labels";
import {
  idOf,
  logId,
  touchPaymentToken,
  touchProvider,
  upsertProvider,
  upsertMarket,
} from "./store.ts";

ponder.on("GridleaseMarket:OfferCreated", async ({ event, context }) => {
  const { timestamp, number } = event.block;
  const { offerId, terms } = event.args;
  const providerId = idOf(event.args.provider);
  await upsertProvider(context.db, providerId, timestamp, (row) => ({
    offerCount: row.offerCount + 1,
  }));
  await touchPaymentToken(context.db, event.args.paymentToken, timestamp);
  await upsertMarket(context.db, event.log.address, timestamp, (row) => ({
    offerCount: row.offerCount + 1,
  }));
  await context.db
    .insert(offer)
    .values({
      id: offerId.toString(),
      offerId,
      provider: providerId,
      paymentToken: idOf(event.args.paymentToken),
      gpuModel: decodeGpuModel(terms.gpuModel),
      region: decodeRegion(terms.region),
      gpusPerUnit: terms.gpusPerUnit,
      totalUnits: terms.totalUnits,
      unitsInUse: 0n,
      pricePerGpuHour: terms.pricePerGpuHour,
      initialPricePerGpuHour: terms.pricePerGpuHour,
      minDuration: terms.minDuration,
      maxDuration: terms.maxDuration,
      repairWindow: terms.repairWindow,
      minProviderBond: terms.minProviderBond,
      // OfferTermsSet follows in the same transaction for a reserved offer.
      prepaidWindow: 0n,
      commitment: 0n,
      noticePeriod: 0n,
      exitFeeBps: 0n,
      buyerPolicy: idOf(terms.buyerPolicy) as `0x${string}`,
      specHash: idOf(terms.specHash) as `0x${string}`,
      specURI: terms.specURI,
      paused: false,
      leaseCount: 0,
      createdAt: timestamp,
      createdAtBlock: number,
      updatedAt: timestamp,
    })
    .onConflictDoNothing();
});

ponder.on("GridleaseMarket:OfferPriceChanged", async ({ event, context }) => {
  const { timestamp } = event.block;
  const row = await context.db
    .update(offer, { id: event.args.offerId.toString() })
    .set({ pricePerGpuHour: event.args.newPrice, updatedAt: timestamp });
  await touchProvider(context.db, row.provider, timestamp);
  await context.db
    .insert(offerPriceChange)
    .values({
      id: logId(event.transaction.hash, event.log.logIndex),
      offer: row.id,
      oldPrice: event.args.oldPrice,
      newPrice: event.args.newPrice,
      timestamp,
      blockNumber: event.block.number,
      txHash: idOf(event.transaction.hash) as `0x${string}`,
    })
    .onConflictDoNothing();
});

ponder.on("GridleaseMarket:OfferUnitsChanged", async ({ event, context }) => {
  const { timestamp } = event.block;
  const row = await context.db
    .update(offer, { id: event.args.offerId.toString() })
    .set({ totalUnits: event.args.newTotalUnits, updatedAt: timestamp });
  await touchProvider(context.db, row.provider, timestamp);
});

ponder.on("GridleaseMarket:OfferPausedSet", async ({ event, context }) => {
  const { timestamp } = event.block;
  const row = await context.db
    .update(offer, { id: event.args.offerId.toString() })
    .set({ paused: event.args.paused, updatedAt: timestamp });
  await touchProvider(context.db, row.provider, timestamp);
});

ponder.on("GridleaseMarket:OfferRepairWindowSet", async ({ event, context }) => {
  const { timestamp } = event.block;
  const row = await context.db
    .update(offer, { id: event.args.offerId.toString() })
    .set({ repairWindow: event.args.newWindow, updatedAt: timestamp });
  await touchProvider(context.db, row.provider, timestamp);
});

ponder.on("GridleaseMarket:OfferTermsSet", async ({ event, context }) => {
  const { timestamp } = event.block;
  const a = event.args;
  await context.db.update(offer, { id: a.offerId.toString() }).set({
    prepaidWindow: a.prepaidWindow,
    commitment: a.commitment,
    noticePeriod: a.noticePeriod,
    exitFeeBps: a.exitFeeBps,
    updatedAt: timestamp,
  });
});
