/**
 * AttestationPolicy: `RequirementSet` (an offer's required schema and attesters, replacing any earlier one) and
 * `AttestationRegistered` (the attestation a buyer registered for one schema, replacing any earlier one).
 */
import { ponder } from "ponder:registry";
import { offerRequirement, policyCredential } from "ponder:schema";
import { idOf, touchProvider } from "./store.ts";

type Hex = `0x${string}`;

ponder.on("AttestationPolicy:RequirementSet", async ({ event, context }) => {
  const { timestamp } = event.block;
  const a = event.args;
  const row = {
    provider: idOf(a.provider),
    schema: idOf(a.schema) as Hex,
    attesters: a.attesters.map(idOf),
    updatedAt: timestamp,
  };
  await context.db
    .insert(offerRequirement)
    .values({ id: a.offerId.toString(), ...row })
    .onConflictDoUpdate(row);
  await touchProvider(context.db, a.provider, timestamp);
});

ponder.on("AttestationPolicy:AttestationRegistered", async ({ event, context }) => {
  const a = event.args;
  const buyer = idOf(a.buyer);
  const schema = idOf(a.schema);
  const row = {
    buyer: buyer as Hex,
    schema: schema as Hex,
    uid: idOf(a.uid) as Hex,
    attester: idOf(a.attester) as Hex,
    registeredAt: event.block.timestamp,
  };
  await context.db
    .insert(policyCredential)
    .values({ id: `${buyer}:${schema}`, ...row })
    .onConflictDoUpdate(row);
});
