/**
 * Buyer vetting with AttestationPolicy. A vetting authority attests a buyer (`vet <buyer>`, `vet revoke <uid>`);
 * the provider names, per offer, the schema and the attesters whose attestations admit a buyer
 * (`offer require`); the buyer registers its attestation's uid with the policy once (`vet register <uid>`: EAS
 * cannot look attestations up by recipient); `vet check` says whether the policy would admit a buyer now, and why
 * not. Every refusal the contracts would make is checked first and explained before anything is sent.
 */
import { readFileSync } from "node:fs";
import {
  isAddressEqual,
  keccak256,
  toBytes,
  zeroAddress,
  zeroHash,
  type Address,
  type Hex,
} from "viem";
import { chainTime, formatTime } from "@gridlease/sdk";
import {
  getEasAttestation,
  getRequirement,
  isSchemaRegistered,
  policyCheck,
  registerCredential,
  revokeVetting,
  schemaKeyOf,
  SCHEMA_KEYS,
  setOfferRequirement,
  vetBuyer,
  type EasDeployment,
} from "@gridlease/sdk/eas";
import { defineCommand, type Command } from "../command.ts";
import { parseAddressArg, parseCount, parseDuration } from "../args.ts";
import { confirm } from "../context.ts";
import { easFor, loadAttestation, parseUid } from "../eas.ts";
import { CliError, errorMessage, EXIT, usage } from "../exit.ts";
import { loadOffer } from "../offers.ts";

/** The most attesters a requirement may name (AttestationPolicy's limit). */
const MAX_ATTESTERS = 8;

/** `--evidence TEXT` (a 0x 32-byte hash as it is, any other text hashed) or `--evidence-file FILE` (its bytes hashed). */
function evidenceHash(values: { evidence?: string; "evidence-file"?: string }): Hex {
  if (values.evidence !== undefined && values["evidence-file"] !== undefined)
    throw usage("give --evidence or --evidence-file, not both");
  if (values["evidence-file"] !== undefined) {
    try {
      return keccak256(readFileSync(values["evidence-file"]));
    } catch (err) {
      throw usage(`--evidence-file: ${errorMessage(err)}`);
    }
  }
  if (values.evidence === undefined) return zeroHash;
  if (values.evidence.trim() === "") throw usage("--evidence is empty");
  return /^0x[0-9a-fA-F]{64}$/.test(values.evidence)
    ? (values.evidence.toLowerCase() as Hex)
    : keccak256(toBytes(values.evidence));
}

const vet = defineCommand({
  name: "vet",
  summary: "Vet a buyer on EAS (only a hash of your evidence goes on chain)",
  help: `<buyer> [--evidence TEXT | --evidence-file FILE] [--expires D]

  --evidence TEXT       what you checked, kept private: a 0x 32-byte hash goes on chain as it is, other text as
                        its keccak256
  --evidence-file FILE  hash this file's bytes instead
  --expires D           the vetting lapses after this long (e.g. 365d); default never

Providers who name you in \`offer require\` then admit this buyer once it registers the uid (\`vet register\`).`,
  positionals: true,
  options: {
    evidence: { type: "string" },
    "evidence-file": { type: "string" },
    expires: { type: "string" },
  },
  async run({ values, positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("vet takes one buyer address");
    const buyer = parseAddressArg(positionals[0], "the buyer");
    if (isAddressEqual(buyer, zeroAddress)) throw usage("the buyer cannot be the zero address");
    const hash = evidenceHash(values);
    const expiresIn =
      values.expires === undefined ? undefined : parseDuration(values.expires, "--expires");
    if (expiresIn === 0n) throw usage("--expires must be more than zero");
    const c = await connect();
    const deployment = easFor(c);
    const expirationTime = expiresIn === undefined ? 0n : (await chainTime(c.client)) + expiresIn;
    const w = await c.wallet();
    const mined = await confirm(c, `Vetting ${buyer}`, () =>
      vetBuyer(w, { deployment, buyer, evidenceHash: hash, expirationTime }),
    );
    out.result(
      {
        buyer,
        attester: w.account.address,
        evidenceHash: hash,
        expirationTime,
        uid: mined.uid,
        tx: mined.hash,
      },
      () =>
        `Vetted ${buyer}${expirationTime === 0n ? "" : ` until ${formatTime(expirationTime)}`}: ${mined.uid} in ${mined.hash}\n` +
        `  The buyer registers it with \`gridlease vet register ${mined.uid}\`.`,
    );
  },
});

const vetRevoke = defineCommand({
  name: "vet revoke",
  summary: "Revoke one of your buyer vettings",
  help: "<uid>\n\nOnly the attester who vetted a buyer can revoke it; offers stop admitting the buyer at once.",
  positionals: true,
  options: {},
  async run({ positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("vet revoke takes one attestation uid");
    const uid = parseUid(positionals[0]);
    const c = await connect();
    const deployment = easFor(c);
    const a = await loadAttestation(c, deployment, uid, "vetting");
    const w = await c.wallet();
    if (!isAddressEqual(a.attester, w.account.address))
      throw new CliError(
        EXIT.REJECTED,
        `Vetting ${uid} was made by ${a.attester}, not by your account ${w.account.address}: only its attester can revoke it.`,
        "not-attester",
      );
    if (a.revocationTime !== 0n)
      throw new CliError(
        EXIT.REJECTED,
        `Vetting ${uid} was already revoked at ${formatTime(a.revocationTime)}.`,
        "already-revoked",
      );
    const mined = await confirm(c, `Revoking vetting ${uid}`, () =>
      revokeVetting(w, { deployment, uid }),
    );
    out.result(
      { uid, revoked: true, tx: mined.hash },
      () => `Revoked vetting ${uid} in ${mined.hash}`,
    );
  },
});

const vetRegister = defineCommand({
  name: "vet register",
  summary:
    "Register an attestation about you with the AttestationPolicy, so offers that require it admit you",
  help: `<uid>

The attestation must be about your account, unrevoked and unexpired (each checked before sending). Registering
again for the same schema replaces the earlier one. The policy re-checks it at every lease you open.`,
  positionals: true,
  options: {},
  async run({ positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("vet register takes one attestation uid");
    const uid = parseUid(positionals[0]);
    const c = await connect();
    const deployment = easFor(c);
    const [a, now] = await Promise.all([
      getEasAttestation(c.client, { deployment, uid }),
      chainTime(c.client),
    ]);
    if (!a)
      throw new CliError(
        EXIT.NOT_FOUND,
        `There is no attestation ${uid} on this chain.`,
        "not-found",
      );
    const w = await c.wallet();
    if (!isAddressEqual(a.recipient, w.account.address))
      throw new CliError(
        EXIT.REJECTED,
        `Attestation ${uid} is about ${a.recipient}, not your account ${w.account.address}: only its recipient can register it.`,
        "not-recipient",
      );
    if (a.revocationTime !== 0n)
      throw new CliError(
        EXIT.REJECTED,
        `Attestation ${uid} was revoked at ${formatTime(a.revocationTime)}: ask its attester for a new one.`,
        "revoked",
      );
    if (a.expirationTime !== 0n && a.expirationTime <= now)
      throw new CliError(
        EXIT.REJECTED,
        `Attestation ${uid} expired at ${formatTime(a.expirationTime)}: ask its attester for a new one.`,
        "expired",
      );
    const mined = await confirm(c, `Registering ${uid} with the policy`, () =>
      registerCredential(w, { deployment, uid }),
    );
    const kind = schemaKeyOf(deployment, a.schema) ?? null;
    out.result(
      {
        uid,
        buyer: w.account.address,
        schema: a.schema,
        kind,
        attester: a.attester,
        tx: mined.hash,
      },
      () => `Registered ${uid} (${kind ?? a.schema}, by ${a.attester}) in ${mined.hash}`,
    );
  },
});

const vetCheck = defineCommand({
  name: "vet check",
  summary: "Would an offer's AttestationPolicy admit a buyer now, and if not, why",
  help: `<offerId> [--buyer ADDRESS]

  --buyer ADDRESS  the buyer to check (default: your account)`,
  positionals: true,
  options: { buyer: { type: "string" } },
  async run({ values, positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("vet check takes one offer id");
    const offerId = parseCount(positionals[0], "the offer id");
    const given = values.buyer === undefined ? undefined : parseAddressArg(values.buyer, "--buyer");
    const c = await connect();
    const deployment = easFor(c);
    const offer = await loadOffer(c, offerId);
    const buyer = given ?? (await c.wallet()).account.address;
    const [check, requirement] = await Promise.all([
      policyCheck(c.client, { deployment, offerId, buyer }),
      getRequirement(c.client, { deployment, offerId }),
    ]);
    const usesPolicy = isAddressEqual(offer.buyerPolicy, deployment.policy);
    out.result({ offerId, buyer, ...check, usesPolicy, requirement: requirement ?? null }, () =>
      [
        `Offer #${offerId}, buyer ${buyer}: ${check.allowed ? "ALLOWED" : "REFUSED"}: ${check.reason}`,
        ...(requirement
          ? [
              `  requires ${schemaKeyOf(deployment, requirement.schema) ?? requirement.schema} from ${requirement.attesters.join(", ")}`,
            ]
          : []),
        ...(usesPolicy
          ? []
          : [
              "  note: this offer's buyer policy is not the AttestationPolicy: its requirement does not apply",
            ]),
      ].join("\n"),
    );
  },
});

/** `--schema vetting|audit|review|0xUID` -> the schema UID. */
function schemaArg(raw: string | undefined, deployment: EasDeployment): Hex {
  if (raw === undefined)
    throw usage("--schema is required (vetting, audit, review or a 0x schema UID)");
  const key = SCHEMA_KEYS.find((k) => k === raw);
  if (key) return deployment.schemas[key].uid;
  if (/^0x[0-9a-fA-F]{64}$/.test(raw)) return raw.toLowerCase() as Hex;
  throw usage(
    `--schema must be vetting, audit, review or a 0x schema UID, got ${JSON.stringify(raw)}`,
  );
}

/** `--attesters a,b`: 1 to 8 distinct non-zero addresses. */
function attestersArg(raw: string | undefined): Address[] {
  if (raw === undefined) throw usage("--attesters is required (1 to 8 addresses, comma-separated)");
  const list = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => parseAddressArg(s, "--attesters"));
  if (list.length === 0 || list.length > MAX_ATTESTERS)
    throw usage(`--attesters names 1 to ${MAX_ATTESTERS} addresses, got ${list.length}`);
  list.forEach((a, i) => {
    if (isAddressEqual(a, zeroAddress)) throw usage("--attesters cannot name the zero address");
    if (list.findIndex((b) => isAddressEqual(a, b)) !== i)
      throw usage(`--attesters names ${a} twice`);
  });
  return list;
}

const offerRequire = defineCommand({
  name: "offer require",
  summary:
    "Admit to an offer only buyers holding an attestation from attesters you name (AttestationPolicy)",
  help: `<offerId> --schema vetting|audit|review|0xUID --attesters A,B

  --schema S        the schema a buyer's attestation must have: one of Gridlease's, or any registered UID
  --attesters A,B   1 to ${MAX_ATTESTERS} attesters whose attestations count

Replaces the offer's earlier requirement. It applies when the offer's buyer policy is the AttestationPolicy
(set at \`offer create --policy\`); a schema that is not registered is refused before sending.`,
  positionals: true,
  options: { schema: { type: "string" }, attesters: { type: "string" } },
  async run({ values, positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("offer require takes one offer id");
    const offerId = parseCount(positionals[0], "the offer id");
    const attesters = attestersArg(values.attesters);
    const c = await connect();
    const deployment = easFor(c);
    const schema = schemaArg(values.schema, deployment);
    const offer = await loadOffer(c, offerId);
    const w = await c.wallet();
    if (!isAddressEqual(offer.provider, w.account.address))
      throw new CliError(
        EXIT.REJECTED,
        `Offer #${offerId} belongs to ${offer.provider}, not to your account ${w.account.address}: only its provider can set who may lease it.`,
        "not-offer-provider",
      );
    if (!(await isSchemaRegistered(c.client, { deployment, uid: schema })))
      throw new CliError(
        EXIT.REJECTED,
        `The schema ${schema} is not registered on this chain's EAS: a requirement must name an existing schema. Nothing was sent.`,
        "UnknownSchema",
      );
    const mined = await confirm(c, `Setting offer #${offerId}'s requirement`, () =>
      setOfferRequirement(w, { deployment, offerId, schema, attesters }),
    );
    const usesPolicy = isAddressEqual(offer.buyerPolicy, deployment.policy);
    out.result(
      {
        offerId,
        schema,
        kind: schemaKeyOf(deployment, schema) ?? null,
        attesters,
        usesPolicy,
        tx: mined.hash,
      },
      () =>
        `Offer #${offerId} now admits buyers with a ${schemaKeyOf(deployment, schema) ?? schema} attestation from ${attesters.join(", ")} (${mined.hash})` +
        (usesPolicy
          ? ""
          : `\n  note: the offer's buyer policy is ${offer.buyerPolicy}, not the AttestationPolicy ${deployment.policy}: this requirement does not apply to it`),
    );
  },
});

/** The vetting commands and `offer require`, registered in main.ts. */
export const vettingCommands: Command[] = [vet, vetRevoke, vetRegister, vetCheck, offerRequire];
