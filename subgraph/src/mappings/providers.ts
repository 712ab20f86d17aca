// Providers and their bonds, as indexer/src/providers.ts.
import {
  BondDeposited,
  BondWithdrawn,
  ProviderRegistered,
  ProviderUpdated,
} from "../../generated/GridleaseMarket/GridleaseMarket";
import { touchMarket, touchProvider } from "../common/entities";
import { idOf } from "../common/ids";

export function handleProviderRegistered(event: ProviderRegistered): void {
  let provider = touchProvider(idOf(event.params.provider), event.block.timestamp);
  provider.metadataURI = event.params.metadataURI;
  provider.save();
  let market = touchMarket(idOf(event.address), event.block.timestamp);
  market.providerCount += 1;
  market.save();
}

export function handleProviderUpdated(event: ProviderUpdated): void {
  let provider = touchProvider(idOf(event.params.provider), event.block.timestamp);
  provider.metadataURI = event.params.metadataURI;
  provider.save();
}

export function handleBondDeposited(event: BondDeposited): void {
  let provider = touchProvider(idOf(event.params.provider), event.block.timestamp);
  provider.bond = event.params.newBond;
  provider.save();
}

export function handleBondWithdrawn(event: BondWithdrawn): void {
  let provider = touchProvider(idOf(event.params.provider), event.block.timestamp);
  provider.bond = event.params.newBond;
  provider.save();
}
