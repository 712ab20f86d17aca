// Offer attestation claims, as indexer/src/attestations.ts: the latest claim of an offer replaces the one before.
import { log } from "@graphprotocol/graph-ts";
import { OfferAttestationPublished } from "../../generated/GridleaseMarket/GridleaseMarket";
import { Offer, OfferAttestation } from "../../generated/schema";
import { touchProvider } from "../common/entities";
import { idOf } from "../common/ids";

export function handleOfferAttestationPublished(event: OfferAttestationPublished): void {
  let timestamp = event.block.timestamp;
  let id = event.params.offerId.toString();
  let offer = Offer.load(id);
  if (offer == null) {
    log.error("attestation claim for unknown offer {}", [id]);
    return;
  }
  let claim = new OfferAttestation(id);
  claim.offer = id;
  claim.provider = idOf(event.params.provider);
  claim.generation = event.params.generation;
  claim.nonceBlock = event.params.nonceBlock;
  claim.nonce = event.params.nonce;
  claim.reportHash = event.params.reportHash;
  claim.report = event.params.report;
  claim.certChain = event.params.certChain;
  claim.publishedAt = timestamp;
  claim.blockNumber = event.block.number;
  claim.txHash = event.transaction.hash;
  claim.save();
  offer.attestation = id;
  offer.updatedAt = timestamp;
  offer.save();
  touchProvider(claim.provider, timestamp).save();
}
