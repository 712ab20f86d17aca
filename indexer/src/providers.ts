/** Providers and their bonds: ProviderRegistered, ProviderUpdated, BondDeposited, BondWithdrawn. */
import { ponder } from "ponder:registry";
import { upsertMarket, upsertProvider } from "./store.ts";

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
  await upsertProvider(context.db, event.args.provider, event.block.timestamp, () => ({
    bond: event.args.newBond,
  }));
});

ponder.on("GridleaseMarket:BondWithdrawn", async ({ event, context }) => {
  await upsertProvider(context.db, event.args.provider, event.block.timestamp, () => ({
    bond: event.args.newBond,
  }));
});
