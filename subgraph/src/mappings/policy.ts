// AttestationPolicy, as indexer/src/policy.ts: an offer's requirement and a buyer's registered credential, each
// replacing the one before.
import {
  AttestationRegistered,
  RequirementSet,
} from "../../generated/AttestationPolicy/AttestationPolicy";
import { OfferRequirement, PolicyCredential } from "../../generated/schema";
import { touchProvider } from "../common/entities";
import { idOf } from "../common/ids";

export function handleRequirementSet(event: RequirementSet): void {
  let p = event.params;
  let row = new OfferRequirement(p.offerId.toString());
  row.provider = idOf(p.provider);
  row.schema = p.schema;
  let attesters: string[] = [];
  for (let i = 0; i < p.attesters.length; i++) attesters.push(idOf(p.attesters[i]));
  row.attesters = attesters;
  row.updatedAt = event.block.timestamp;
  row.save();
  touchProvider(row.provider, event.block.timestamp).save();
}

export function handleAttestationRegistered(event: AttestationRegistered): void {
  let p = event.params;
  let row = new PolicyCredential(idOf(p.buyer) + ":" + p.schema.toHexString());
  row.buyer = p.buyer;
  row.schema = p.schema;
  row.uid = p.uid;
  row.attester = p.attester;
  row.registeredAt = event.block.timestamp;
  row.save();
}
