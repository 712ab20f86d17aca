// Offers and their price history, as indexer/src/offers.ts.
import { BigInt, log } from "@graphprotocol/graph-ts";
import {
  OfferCreated,
  OfferPausedSet,
  OfferPriceChanged,
  OfferRepairWindowSet,
  OfferTermsSet,
  OfferUnitsChanged,
} from "../../generated/GridleaseMarket/GridleaseMarket";
import { Offer, OfferPriceChange } from "../../generated/schema";
import { touchMarket, touchPaymentToken, touchProvider } from "../common/entities";
import { decodeLabel, idOf, logId, ZERO } from "../common/ids";

export function handleOfferCreated(event: OfferCreated): void {
  let timestamp = event.block.timestamp;
  let terms = event.params.terms;
  let providerId = idOf(event.params.provider);
  let provider = touchProvider(providerId, timestamp);
  provider.offerCount += 1;
  provider.save();
  touchPaymentToken(idOf(event.params.paymentToken), timestamp).save();
  let market = touchMarket(idOf(event.address), timestamp);
  market.offerCount += 1;
  market.save();

  let id = event.params.offerId.toString();
  if (Offer.load(id) != null) return;
  let offer = new Offer(id);
  offer.offerId = event.params.offerId;
  offer.provider = providerId;
  offer.paymentToken = idOf(event.params.paymentToken);
  offer.gpuModel = decodeLabel(terms.gpuModel);
  offer.region = decodeLabel(terms.region);
  offer.gpusPerUnit = terms.gpusPerUnit;
  offer.totalUnits = terms.totalUnits;
  offer.unitsInUse = ZERO;
  offer.pricePerGpuHour = terms.pricePerGpuHour;
  offer.initialPricePerGpuHour = terms.pricePerGpuHour;
  offer.minDuration = terms.minDuration;
  offer.maxDuration = terms.maxDuration;
  offer.repairWindow = terms.repairWindow;
  offer.minProviderBond = terms.minProviderBond;
  // OfferTermsSet follows in the same transaction for a reserved offer.
  offer.prepaidWindow = ZERO;
  offer.commitment = ZERO;
  offer.noticePeriod = ZERO;
  offer.exitFeeBps = ZERO;
  offer.buyerPolicy = terms.buyerPolicy;
  offer.specHash = terms.specHash;
  offer.specURI = terms.specURI;
  offer.paused = false;
  offer.leaseCount = 0;
  offer.createdAt = timestamp;
  offer.createdAtBlock = event.block.number;
  offer.updatedAt = timestamp;
  offer.save();
}

/** The offer an event names, with `updatedAt` moved; null (and a log line) if it was never created. */
function loadOffer(offerId: BigInt, timestamp: BigInt): Offer | null {
  let offer = Offer.load(offerId.toString());
  if (offer == null) {
    log.error("event for unknown offer {}", [offerId.toString()]);
    return null;
  }
  offer.updatedAt = timestamp;
  return offer;
}

export function handleOfferPriceChanged(event: OfferPriceChanged): void {
  let timestamp = event.block.timestamp;
  let offer = loadOffer(event.params.offerId, timestamp);
  if (offer == null) return;
  offer.pricePerGpuHour = event.params.newPrice;
  offer.save();
  touchProvider(offer.provider, timestamp).save();
  let change = new OfferPriceChange(logId(event));
  change.offer = offer.id;
  change.oldPrice = event.params.oldPrice;
  change.newPrice = event.params.newPrice;
  change.timestamp = timestamp;
  change.blockNumber = event.block.number;
  change.txHash = event.transaction.hash;
  change.save();
}

export function handleOfferUnitsChanged(event: OfferUnitsChanged): void {
  let offer = loadOffer(event.params.offerId, event.block.timestamp);
  if (offer == null) return;
  offer.totalUnits = event.params.newTotalUnits;
  offer.save();
  touchProvider(offer.provider, event.block.timestamp).save();
}

export function handleOfferPausedSet(event: OfferPausedSet): void {
  let offer = loadOffer(event.params.offerId, event.block.timestamp);
  if (offer == null) return;
  offer.paused = event.params.paused;
  offer.save();
  touchProvider(offer.provider, event.block.timestamp).save();
}

export function handleOfferRepairWindowSet(event: OfferRepairWindowSet): void {
  let offer = loadOffer(event.params.offerId, event.block.timestamp);
  if (offer == null) return;
  offer.repairWindow = event.params.newWindow;
  offer.save();
  touchProvider(offer.provider, event.block.timestamp).save();
}

export function handleOfferTermsSet(event: OfferTermsSet): void {
  let p = event.params;
  let offer = loadOffer(p.offerId, event.block.timestamp);
  if (offer == null) return;
  offer.prepaidWindow = p.prepaidWindow;
  offer.commitment = p.commitment;
  offer.noticePeriod = p.noticePeriod;
  offer.exitFeeBps = p.exitFeeBps;
  offer.save();
}
