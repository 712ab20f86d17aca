#!/usr/bin/env node
/**
 * Renders subgraph.yaml from subgraph.template.yaml, networks.json and abis/GridleaseMarket.json (both generated
 * by `npm run codegen` at the repository root). The event signatures come from the ABI, the address and start
 * block from networks.json: nothing per-network or ABI-derived is written by hand.
 *
 * Usage: node scripts/render-manifest.mjs [network]   (default: $GRAPH_NETWORK, else the first in networks.json)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Market events the mappings handle (src/mappings/*.ts export `handle<Event>` for each). */
export const HANDLED_EVENTS = [
  "TreasurySet",
  "ProtocolFeeSet",
  "ActivationWindowSet",
  "MarketPausedSet",
  "PaymentTokenSet",
  "FeesWithdrawn",
  "PenaltyRateSet",
  "CreditAdded",
  "CreditWithdrawn",
  "TokensSwept",
  "ProviderRegistered",
  "ProviderUpdated",
  "BondDeposited",
  "BondWithdrawn",
  "OfferCreated",
  "OfferPriceChanged",
  "OfferUnitsChanged",
  "OfferPausedSet",
  "OfferRepairWindowSet",
  "LeaseOpened",
  "LeaseActivated",
  "LeaseAccessRotated",
  "LeaseExtended",
  "LeaseEnded",
  "EarningsClaimed",
  "OutageReported",
  "OutageResolved",
  "OfferAttestationPublished",
];

/** The ABI type as graph-cli writes it in an event signature: tuples spelled out. */
function typeOf(input) {
  if (input.type.startsWith("tuple")) {
    return `(${input.components.map(typeOf).join(",")})${input.type.slice("tuple".length)}`;
  }
  return input.type;
}

export function eventSignature(abiEvent) {
  const params = abiEvent.inputs.map((i) => `${i.indexed ? "indexed " : ""}${typeOf(i)}`);
  return `${abiEvent.name}(${params.join(",")})`;
}

export function renderManifest(network) {
  const networks = JSON.parse(readFileSync(join(root, "networks.json"), "utf8"));
  const name = network ?? process.env.GRAPH_NETWORK ?? Object.keys(networks)[0];
  const market = networks[name]?.GridleaseMarket;
  if (!market) {
    throw new Error(
      `networks.json has no GridleaseMarket on "${name}" (known: ${Object.keys(networks).join(", ")})`,
    );
  }
  const abi = JSON.parse(readFileSync(join(root, "abis", "GridleaseMarket.json"), "utf8"));
  const handlers = HANDLED_EVENTS.map((eventName) => {
    const abiEvent = abi.find((e) => e.type === "event" && e.name === eventName);
    if (!abiEvent) throw new Error(`the GridleaseMarket ABI has no event ${eventName}`);
    return `        - event: ${eventSignature(abiEvent)}\n          handler: handle${eventName}`;
  }).join("\n");
  return readFileSync(join(root, "subgraph.template.yaml"), "utf8")
    .replace(/^#.*\n/gm, "")
    .replaceAll("{{network}}", name)
    .replaceAll("{{address}}", market.address)
    .replaceAll("{{startBlock}}", String(market.startBlock))
    .replace("{{eventHandlers}}", handlers);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = renderManifest(process.argv[2]);
  writeFileSync(join(root, "subgraph.yaml"), manifest);
  console.log(`wrote subgraph.yaml`);
}
