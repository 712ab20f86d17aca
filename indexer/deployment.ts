/**
 * The deployment this indexer follows, from @gridlease/sdk's generated record (`npm run codegen`): the addresses
 * and start blocks of the market and the attestation contracts for ponder.config.ts, and the three Gridlease EAS
 * schemas' UIDs. The penalty rate comes from the market's `PenaltyRateSet` event.
 *
 * GRIDLEASE_CHAIN_ID picks the chain (default 31337, the local chain).
 */
import { deployments } from "@gridlease/sdk/deployments";

type Hex = `0x${string}`;

interface ContractRecord {
  address: Hex;
  startBlock: number;
}

/** The contracts the indexer reads events from (EAS's SchemaRegistry emits nothing it needs). */
export const INDEXED_CONTRACTS = [
  "GridleaseMarket",
  "EAS",
  "GridleaseAuditResolver",
  "GridleaseReviewResolver",
  "GridleaseVettingResolver",
  "AttestationPolicy",
] as const;
export type IndexedContract = (typeof INDEXED_CONTRACTS)[number];

/** Gridlease's EAS schemas, by the `kind` the Attestation entity records. */
export const SCHEMA_KINDS = ["audit", "review", "vetting"] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

interface DeploymentRecord {
  network: string;
  contracts: Partial<Record<string, ContractRecord>>;
  schemas?: Partial<Record<SchemaKind, { uid: Hex }>>;
}

export const chainId = process.env.GRIDLEASE_CHAIN_ID ?? "31337";

const record: DeploymentRecord | undefined = (deployments as Record<string, DeploymentRecord>)[
  chainId
];
const known = Object.keys(deployments).join(", ");
if (!record)
  throw new Error(`@gridlease/sdk has no deployment for chain ${chainId} (known: ${known})`);

/** The address and start block of one indexed contract; throws naming the chain when codegen left it out. */
function contractRecord(name: IndexedContract): ContractRecord {
  const found = record?.contracts[name];
  if (!found)
    throw new Error(
      `@gridlease/sdk has no ${name} deployment for chain ${chainId} (run \`npm run codegen\`)`,
    );
  return found;
}

/** The network name of the indexed chain. */
export const network = record.network;
/** Each indexed contract's address and the block to start indexing it from. */
export const contractDeployments = Object.fromEntries(
  INDEXED_CONTRACTS.map((name) => [name, contractRecord(name)]),
) as Record<IndexedContract, ContractRecord>;

/** Schema UID (lowercase) -> kind, for the three schemas the deployment registered. */
export const schemaKinds: ReadonlyMap<string, SchemaKind> = new Map(
  SCHEMA_KINDS.map((kind) => {
    const uid = record.schemas?.[kind]?.uid;
    if (!uid)
      throw new Error(
        `@gridlease/sdk has no ${kind} schema UID for chain ${chainId} (run \`npm run codegen\`)`,
      );
    return [uid.toLowerCase(), kind] as const;
  }),
);
