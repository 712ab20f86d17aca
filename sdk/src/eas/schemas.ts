/**
 * Gridlease's three EAS schemas (hardware audits, lease reviews, buyer vetting) and where they live on each chain:
 * the schema strings, their UIDs (keccak256 of schema, resolver and revocability, as EAS's SchemaRegistry computes
 * them) and the EAS, resolver and AttestationPolicy addresses, read from the generated deployments.
 */
import { encodePacked, getAddress, keccak256, type Address, type Hex } from "viem";
import { deployments } from "../generated/deployments.ts";

/** The schema strings, exactly as registered (field order and types are part of each UID). */
export const SCHEMAS = {
  audit: "uint256 offerId,bytes32 hardwareReportHash,uint8 verdict,uint64 validUntil",
  review: "uint256 leaseId,uint8 score,bool verified,bytes32 reportHash",
  vetting: "bytes32 evidenceHash",
} as const;

/** Which Gridlease schema: "audit", "review" or "vetting". */
export type SchemaKey = keyof typeof SCHEMAS;

/** The schema keys, in a fixed order. */
export const SCHEMA_KEYS: readonly SchemaKey[] = ["audit", "review", "vetting"];

/** Whether attestations of each schema can be revoked: reviews cannot (their resolver refuses too). */
export const SCHEMA_REVOCABLE: Record<SchemaKey, boolean> = {
  audit: true,
  review: false,
  vetting: true,
};

/** One registered schema. */
export interface SchemaRecord {
  uid: Hex;
  schema: string;
  resolver: Address;
  revocable: boolean;
}

/** The attestation contracts of one Gridlease deployment. */
export interface EasContracts {
  eas: Address;
  schemaRegistry: Address;
  auditResolver: Address;
  reviewResolver: Address;
  vettingResolver: Address;
  /** The AttestationPolicy buyer policy. */
  policy: Address;
}

/** The attestation contracts and the three registered schemas of one deployment. */
export interface EasDeployment extends EasContracts {
  schemas: Record<SchemaKey, SchemaRecord>;
  /** The first block worth scanning for attestations (0 when unknown). */
  startBlock: bigint;
}

/** Thrown when the generated deployments hold no attestation contracts for a chain. */
export class EasNotDeployedError extends Error {
  override name = "EasNotDeployedError";
  readonly chainId: number;

  constructor(chainId: number, missing: string) {
    super(
      `Gridlease's attestation contracts are not deployed on chain ${chainId} (no ${missing} in the generated deployments): pass their addresses explicitly.`,
    );
    this.chainId = chainId;
  }
}

/** The UID EAS's SchemaRegistry gives a schema: keccak256(abi.encodePacked(schema, resolver, revocable)). */
export const schemaUid = (schema: string, resolver: Address, revocable: boolean): Hex =>
  keccak256(encodePacked(["string", "address", "bool"], [schema, resolver, revocable]));

/** The resolver of each schema in a set of contracts. */
const resolverOf = (c: EasContracts): Record<SchemaKey, Address> => ({
  audit: c.auditResolver,
  review: c.reviewResolver,
  vetting: c.vettingResolver,
});

/** A deployment at explicit addresses (a test chain, a fork): the schema UIDs are computed from the resolvers. */
export function easDeploymentAt(contracts: EasContracts, startBlock = 0n): EasDeployment {
  const c: EasContracts = {
    eas: getAddress(contracts.eas),
    schemaRegistry: getAddress(contracts.schemaRegistry),
    auditResolver: getAddress(contracts.auditResolver),
    reviewResolver: getAddress(contracts.reviewResolver),
    vettingResolver: getAddress(contracts.vettingResolver),
    policy: getAddress(contracts.policy),
  };
  const resolvers = resolverOf(c);
  const schema = (key: SchemaKey): SchemaRecord => ({
    uid: schemaUid(SCHEMAS[key], resolvers[key], SCHEMA_REVOCABLE[key]),
    schema: SCHEMAS[key],
    resolver: resolvers[key],
    revocable: SCHEMA_REVOCABLE[key],
  });
  return {
    ...c,
    schemas: { audit: schema("audit"), review: schema("review"), vetting: schema("vetting") },
    startBlock,
  };
}

/** A generated deployment record, read loosely: chains deployed before the attestation contracts lack them. */
interface GeneratedRecord {
  contracts: Record<string, { address: string; startBlock: number } | undefined>;
  schemas?: Record<string, { uid: string } | undefined>;
}
const RECORDS: Record<string, GeneratedRecord | undefined> = deployments;

/** The contract names codegen gives the attestation contracts, per field of `EasContracts`. */
const CONTRACT_NAMES: Record<keyof EasContracts, string> = {
  eas: "EAS",
  schemaRegistry: "SchemaRegistry",
  auditResolver: "GridleaseAuditResolver",
  reviewResolver: "GridleaseReviewResolver",
  vettingResolver: "GridleaseVettingResolver",
  policy: "AttestationPolicy",
};

/**
 * The attestation contracts and schemas on `chainId`, from the generated deployments. Throws EasNotDeployedError
 * when a contract is missing, and an Error when a generated UID is not the one its schema and resolver give.
 */
export function easDeployment(chainId: number): EasDeployment {
  const record = RECORDS[String(chainId)];
  const found: Partial<EasContracts> = {};
  let startBlock: number | undefined;
  for (const [field, name] of Object.entries(CONTRACT_NAMES) as [keyof EasContracts, string][]) {
    const c = record?.contracts[name];
    if (!c) throw new EasNotDeployedError(chainId, name);
    found[field] = getAddress(c.address);
    startBlock = startBlock === undefined ? c.startBlock : Math.min(startBlock, c.startBlock);
  }
  const deployment = easDeploymentAt(found as EasContracts, BigInt(startBlock ?? 0));
  for (const key of SCHEMA_KEYS) {
    const generated = record?.schemas?.[key]?.uid;
    if (generated && generated.toLowerCase() !== deployment.schemas[key].uid)
      throw new Error(
        `The generated ${key} schema UID on chain ${chainId} (${generated}) is not the one its schema and resolver give (${deployment.schemas[key].uid}): run npm run codegen`,
      );
  }
  return deployment;
}

/** The three schema UIDs on `chainId`. */
export function schemaUids(chainId: number): Record<SchemaKey, Hex> {
  const { schemas } = easDeployment(chainId);
  return { audit: schemas.audit.uid, review: schemas.review.uid, vetting: schemas.vetting.uid };
}

/** Which Gridlease schema a UID is in a deployment, or undefined for another schema. */
export function schemaKeyOf(deployment: EasDeployment, uid: Hex): SchemaKey | undefined {
  return SCHEMA_KEYS.find((k) => deployment.schemas[k].uid.toLowerCase() === uid.toLowerCase());
}
