/**
 * Providers and their bonds: ProviderRegistered, ProviderUpdated, BondDeposited, BondWithdrawn. A provider bonds in
 * each payment token it sells in (ProviderBond rows); its own bond fields mirror the GRID one (./store.ts).
 */
import { ponder } from "ponder:registry";
import { marketRow, upsertMarket, upsertProvider, upsertProviderBond } from "./store.ts";

ponder.on("GridleaseMarket:ProviderRegistered", async ({ event, context }) => {
  const { timestamp } = event.block;
  await upsertProvider(context.db, event.args.provider, timestamp, () => ({
    metadataURI: event.args.metadataURI,
  }));
  await upsertMarket(context.db, event.log.address, timestamp, (row) => ({
    providerCount: row.providerCount + 1,
  }));
});

ponder.on("GridleaseMarket:ProviderUpdated", async ({ event, context }) => {
  await upsertProvider(context.db, event.args.provider, event.block.timestamp, () => ({
    metadataURI: event.args.metadataURI,
  }));
});

ponder.on("GridleaseMarket:BondDeposited", async ({ event, context }) => {
  const { provider, token, newBond } = event.args;
  const m = await marketRow(context.db, event.log.address);
  await upsertProviderBond(context.db, m, provider, token, event.block.timestamp, () => ({
    amount: newBond,
  }));
});

ponder.on("GridleaseMarket:BondWithdrawn", async ({ event, context }) => {
  const { provider, token, newBond } = event.args;
  const m = await marketRow(context.db, event.log.address);
  await upsertProviderBond(context.db, m, provider, token, event.block.timestamp, () => ({
    amount: newBond,
  }));
});
