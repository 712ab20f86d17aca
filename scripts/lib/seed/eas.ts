/**
 * The seed's EAS writes through the block batcher: attest and revoke with Gridlease's schemas, set an offer's
 * requirement on the AttestationPolicy, register a buyer's credential. Payloads are encoded by the SDK
 * (@gridlease/sdk/eas). The batcher gives no return values, so each attestation's UID is computed the way EAS
 * computes it (EAS.sol `_getUID`) from the block time it was mined at; `checkAttestations` reads them all back.
 */
import {
  encodeFunctionData,
  encodePacked,
  keccak256,
  zeroHash,
  type Address,
  type Hex,
} from "viem";
import { attestationPolicyAbi, easAbi } from "@gridlease/sdk/abis";
import { SCHEMA_REVOCABLE, type EasDeployment, type SchemaKey } from "@gridlease/sdk/eas";
import type { SeedState } from "./model.ts";

/** Above what an attestation with a Gridlease resolver uses. */
const ATTEST_GAS = 400_000n;
const REVOKE_GAS = 200_000n;
const POLICY_GAS = 300_000n;

/** An attestation the seed made, as EAS stores it. */
export interface SeededAttestation {
  uid: Hex;
  schema: SchemaKey;
  attester: Address;
  recipient: Address;
  time: bigint;
  expirationTime: bigint;
}

/** EAS's UID of an attestation (EAS.sol `_getUID` with bump 0: the seed never repeats an attestation). */
export function attestationUid(
  schemaUid: Hex,
  a: Omit<SeededAttestation, "uid" | "schema"> & { revocable: boolean; data: Hex },
): Hex {
  return keccak256(
    encodePacked(
      ["bytes32", "address", "address", "uint64", "uint64", "bool", "bytes32", "bytes", "uint32"],
      [
        schemaUid,
        a.recipient,
        a.attester,
        a.time,
        a.expirationTime,
        a.revocable,
        zeroHash,
        a.data,
        0,
      ],
    ),
  );
}

/** The seed's EAS writer: every attestation it made, in order. */
export class SeedEas {
  readonly made: SeededAttestation[] = [];
  private readonly s: SeedState;
  readonly deployment: EasDeployment;

  constructor(s: SeedState, deployment: EasDeployment) {
    this.s = s;
    this.deployment = deployment;
  }

  /** `attester` attests `data` (encoded for `schema`) about `recipient` in the block being filled. */
  async attest(
    attester: Address,
    schema: SchemaKey,
    recipient: Address,
    data: Hex,
    expirationTime = 0n,
  ): Promise<SeededAttestation> {
    const schemaUid = this.deployment.schemas[schema].uid;
    const revocable = SCHEMA_REVOCABLE[schema];
    // `attest` is payable, which the batcher's typed `write` does not take: encode it here.
    const call = encodeFunctionData({
      abi: easAbi,
      functionName: "attest",
      args: [
        {
          schema: schemaUid,
          data: { recipient, expirationTime, revocable, refUID: zeroHash, data, value: 0n },
        },
      ],
    });
    await this.s.chain.send(attester, this.deployment.eas, call, ATTEST_GAS, `attest ${schema}`);
    // After the write: a full block is mined first and the attestation goes into the next second's block.
    const time = this.s.now;
    const made: SeededAttestation = {
      uid: attestationUid(schemaUid, {
        attester,
        recipient,
        time,
        expirationTime,
        revocable,
        data,
      }),
      schema,
      attester,
      recipient,
      time,
      expirationTime,
    };
    this.made.push(made);
    return made;
  }

  /** The attester revokes one of its attestations. */
  async revoke(a: SeededAttestation) {
    const call = encodeFunctionData({
      abi: easAbi,
      functionName: "revoke",
      args: [{ schema: this.deployment.schemas[a.schema].uid, data: { uid: a.uid, value: 0n } }],
    });
    await this.s.chain.send(
      a.attester,
      this.deployment.eas,
      call,
      REVOKE_GAS,
      `revoke ${a.schema}`,
    );
  }

  /** The offer's provider requires buyers to hold a `schema` attestation from one of `attesters`. */
  async setRequirement(
    provider: Address,
    offerId: bigint,
    schema: SchemaKey,
    attesters: Address[],
  ) {
    await this.s.chain.write({
      from: provider,
      to: this.deployment.policy,
      abi: attestationPolicyAbi,
      functionName: "setRequirement",
      args: [offerId, this.deployment.schemas[schema].uid, attesters],
      gas: POLICY_GAS,
    });
  }

  /** The buyer registers its attestation with the policy. */
  async register(buyer: Address, a: SeededAttestation) {
    await this.s.chain.write({
      from: buyer,
      to: this.deployment.policy,
      abi: attestationPolicyAbi,
      functionName: "registerAttestation",
      args: [a.uid],
      gas: POLICY_GAS,
    });
  }

  /** Reads every attestation back from EAS: each UID must be there with its attester and recipient. */
  async checkAttestations() {
    for (const a of this.made) {
      const stored = await this.s.chain.read({
        to: this.deployment.eas,
        abi: easAbi,
        functionName: "getAttestation",
        args: [a.uid],
      });
      if (
        stored.uid !== a.uid ||
        stored.attester !== a.attester ||
        stored.recipient !== a.recipient
      )
        throw new Error(
          `seed: the ${a.schema} attestation ${a.uid} by ${a.attester} is not on EAS as the seed made it`,
        );
    }
  }
}
