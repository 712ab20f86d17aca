// Per-network facts the subgraph cannot read from events: Gridlease's EAS schema UIDs, the market's published
// auditors and the payment tokens' reference rates. Written out as literals (AssemblyScript cannot import the
// SDK); test/indexer/subgraph-reference.test.ts checks each against @gridlease/sdk (generated deployments,
// publishedAuditors, FEE_REFERENCE_USD_MICROS, knownTokenDisplay), so they cannot drift apart.
import { BigInt, dataSource } from "@graphprotocol/graph-ts";

/** Micro-USD per whole token, by symbol (sdk/src/reputation.ts FEE_REFERENCE_USD_MICROS); other tokens weigh 0. */
export const FEE_REFERENCE_SYMBOLS: string[] = ["GRID", "tUSD", "USDC"];
export const FEE_REFERENCE_USD_MICROS: i64[] = [400000, 1000000, 1000000];

/** Outages shorter than this (15 minutes) do not count against uptime (sdk/src/reputation.ts OUTAGE_MIN_SECONDS). */
export const OUTAGE_MIN_SECONDS = BigInt.fromI32(900);

/** What the subgraph knows of one network. */
class NetworkReference {
  constructor(
    /** Schema UIDs (lowercase hex) of the audit, review and vetting schemas. */
    public auditSchema: string,
    public reviewSchema: string,
    public vettingSchema: string,
    /** The market's published auditors (lowercase hex). */
    public auditors: string[],
    /** Payment tokens (lowercase hex) with their symbols and decimals. */
    public tokens: string[],
    public tokenSymbols: string[],
    public tokenDecimals: u8[],
  ) {}
}

const NONE = new NetworkReference("", "", "", [], [], [], []);

/** Chain 31337 ("localhost" in networks.json): the local stack. */
const LOCALHOST = new NetworkReference(
  "0xe1bd0a4eafd1f83bcaad47b5132e1509b41cbe30f664c620670899c2a0bb2980",
  "0xda799a58131cafa71d7f190531140a171649acea66db09ac4f83b1c908ea5049",
  "0xb19ae10503ca71feccb37ffe97b40cb7f66355923b4ec86058e1708b8e131efe",
  ["0xbda5747bfd65f08deb54cb465eb87d40e51b197e"],
  ["0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"],
  ["GRID", "tUSD"],
  [18, 6],
);

/** The reference of the network this subgraph is deployed on (an unknown network knows nothing: weights are 0). */
export function reference(): NetworkReference {
  let network = dataSource.network();
  if (network == "localhost") return LOCALHOST;
  return NONE;
}

/** "audit", "review" or "vetting" for one of Gridlease's schema UIDs; "" for any other schema. */
export function schemaKind(schemaUid: string): string {
  let ref = reference();
  if (schemaUid == ref.auditSchema) return "audit";
  if (schemaUid == ref.reviewSchema) return "review";
  if (schemaUid == ref.vettingSchema) return "vetting";
  return "";
}

/** Whether `auditor` (lowercase hex) is one of the market's published auditors. */
export function isPublishedAuditor(auditor: string): boolean {
  return reference().auditors.includes(auditor);
}

/** `amount` base units of payment token `token` in micro-USD, rounded down; 0 for a token without a reference rate. */
export function usdMicros(token: string, amount: BigInt): BigInt {
  let ref = reference();
  let t = ref.tokens.indexOf(token);
  if (t < 0) return BigInt.zero();
  let s = FEE_REFERENCE_SYMBOLS.indexOf(ref.tokenSymbols[t]);
  if (s < 0) return BigInt.zero();
  let rate = BigInt.fromI64(FEE_REFERENCE_USD_MICROS[s]);
  return amount.times(rate).div(BigInt.fromI32(10).pow(ref.tokenDecimals[t]));
}
