// Providers and their bonds (one ProviderBond per token), as indexer/src/providers.ts.
import {
  BondDeposited,
  BondWithdrawn,
  ProviderRegistered,
  ProviderUpdated,
} from "../../generated/GridleaseMarket/GridleaseMarket";
import {
  saveProviderBond,
  touchMarket,
  touchProvider,
  touchProviderBond,
} from "../common/entities";
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
  let p = event.params;
  let bond = touchProviderBond(idOf(p.provider), p.token, event.block.timestamp);
  bond.amount = p.newBond;
  saveProviderBond(bond, idOf(event.address), event.block.timestamp);
}

export function handleBondWithdrawn(event: BondWithdrawn): void {
  let p = event.params;
  let bond = touchProviderBond(idOf(p.provider), p.token, event.block.timestamp);
  bond.amount = p.newBond;
  saveProviderBond(bond, idOf(event.address), event.block.timestamp);
}
