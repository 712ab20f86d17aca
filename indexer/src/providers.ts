/** Providers and their bonds: ProviderRegistered, ProviderUpdated, BondDeposited, BondWithdrawn. */
import { ponder } from "ponder:registry";
import { market, provider } from "ponder:schema";
import { idOf, touchMarket, touchProvider } from "./store.ts";

ponder.on("GridleaseMarket:ProviderRegistered", async ({ event, context }) => {
  const { timestamp } = event.block;
  await touchProvider(context.db, event.args.provider, timestamp);
  await context.db
    .update(provider, { id: idOf(event.args.provider) })
    .set({ metadataURI: event.args.metadataURI });
  await touchMarket(context.db, event.log.address, timestamp);
  await context.db
    .update(market, { id: idOf(event.log.address) })
    .set((row) => ({ providerCount: row.providerCount + 1 }));
});

ponder.on("GridleaseMarket:ProviderUpdated", async ({ event, context }) => {
  await touchProvider(context.db, event.args.provider, event.block.timestamp);
  await context.db
    .update(provider, { id: idOf(event.args.provider) })
    .set({ metadataURI: event.args.metadataURI });
});

ponder.on("GridleaseMarket:BondDeposited", async ({ event, context }) => {
  await touchProvider(context.db, event.args.provider, event.block.timestamp);
  await context.db
    .update(provider, { id: idOf(event.args.provider) })
    .set({ bond: event.args.newBond });
});

ponder.on("GridleaseMarket:BondWithdrawn", async ({ event, context }) => {
  await touchProvider(context.db, event.args.provider, event.block.timestamp);
  await context.db
    .update(provider, { id: idOf(event.args.provider) })
    .set({ bond: event.args.newBond });
});
