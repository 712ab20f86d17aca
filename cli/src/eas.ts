/**
 * What the attestation commands (audit, review, vet, offer require) share: where the attestation contracts are on
 * the connected chain (the SDK's deployment, or the `attestations` setting for another chain), and which auditors
 * the viewer trusts (`--auditors`, else the `trustedAuditors` setting, else the market's published list).
 */
import type { Address, Hex } from "viem";
import {
  AuditorListError,
  easDeployment,
  easDeploymentAt,
  EasNotDeployedError,
  getEasAttestation,
  parseAuditorList,
  publishedAuditors,
  schemaKeyOf,
  type EasAttestation,
  type EasDeployment,
  type SchemaKey,
} from "@gridlease/sdk/eas";
import type { Context } from "./context.ts";
import { CliError, EXIT, usage } from "./exit.ts";

/** The attestation contracts on the connected chain; exit 5 when the chain has none and none are configured. */
export function easFor(c: Context): EasDeployment {
  if (c.settings.attestations) return easDeploymentAt(c.settings.attestations);
  try {
    return easDeployment(c.chain.id);
  } catch (err) {
    if (err instanceof EasNotDeployedError)
      throw new CliError(
        EXIT.CONFIG,
        `${err.message.replace(/: pass their addresses explicitly\.$/, "")}: set GRIDLEASE_ATTESTATIONS or "attestations" in the config file.`,
        "no-attestations",
      );
    throw err;
  }
}

/** The attestation contracts on the connected chain, or undefined when it has none (configured or generated). */
export function easIfDeployed(c: Context): EasDeployment | undefined {
  try {
    return easFor(c);
  } catch (err) {
    if (err instanceof CliError && err.kind === "no-attestations") return undefined;
    throw err;
  }
}

/** The viewer's trusted auditors and where the list came from. */
export interface TrustedAuditors {
  auditors: Address[];
  source: "flag" | "env" | "file" | "published";
}

/** `--auditors a,b` (a usage error when malformed), else the setting, else the chain's published auditors. */
export function trustedAuditors(
  c: Pick<Context, "settings" | "chain">,
  flag: string | undefined,
): TrustedAuditors {
  if (flag !== undefined) {
    try {
      return { auditors: parseAuditorList(flag), source: "flag" };
    } catch (err) {
      if (err instanceof AuditorListError) throw usage(`--auditors: ${err.message}`);
      throw err;
    }
  }
  const configured = c.settings.trustedAuditors;
  if (configured)
    return {
      auditors: configured,
      source: c.settings.sources.trustedAuditors === "env" ? "env" : "file",
    };
  return { auditors: publishedAuditors(c.chain.id), source: "published" };
}

/** A 32-byte attestation UID from the command line. */
export function parseUid(raw: string | undefined, what = "the attestation uid"): Hex {
  if (raw === undefined) throw usage(`${what} is required`);
  const text = raw.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(text))
    throw usage(`${what} must be 0x and 64 hex digits, got ${JSON.stringify(raw)}`);
  return text.toLowerCase() as Hex;
}

/**
 * An attestation of one of Gridlease's schemas, read from EAS: exit 7 when EAS has none, 3 when it is of
 * another schema than `expected` (nothing is sent either way).
 */
export async function loadAttestation(
  c: Context,
  deployment: EasDeployment,
  uid: Hex,
  expected: SchemaKey,
): Promise<EasAttestation> {
  const a = await getEasAttestation(c.client, { deployment, uid });
  if (!a)
    throw new CliError(
      EXIT.NOT_FOUND,
      `There is no attestation ${uid} on this chain.`,
      "not-found",
    );
  const kind = schemaKeyOf(deployment, a.schema);
  if (kind !== expected)
    throw new CliError(
      EXIT.REJECTED,
      `Attestation ${uid} is ${kind ? `a ${kind}` : `of another schema (${a.schema})`}, not a ${expected}.`,
      "wrong-schema",
    );
  return a;
}
