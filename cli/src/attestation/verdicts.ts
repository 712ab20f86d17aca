/**
 * Verifying what a host's attestation hook returned, GPU by GPU, with the SDK's verifier (nothing is trusted from
 * the host but the bytes), and saying the result: the trust inputs from files (`--rim`, `--device-root`), the
 * per-GPU verdicts, their text and JSON forms, and the failure (exit 9). Shared by `lease verify --attest`,
 * `attest verify` and `provider attest`.
 */
import { readFileSync } from "node:fs";
import type { Hex } from "viem";
import {
  AttestationInputError,
  describeVerdict,
  parseCertChainPem,
  unavailableVerdict,
  verifyAttestation,
  type AttestationBundle,
  type AttestationVerdict,
  type Generation,
  type VerifyAttestationInput,
} from "@gridlease/sdk/attestation";
import { errorMessage, EXIT, ReportedFailure, usage } from "../exit.ts";
import type { Output } from "../output.ts";

/** What the verifier trusts beyond its pinned NVIDIA roots, read from the command's files. */
export interface TrustInputs {
  /** RIM SWID-tag XML texts (`--rim`, repeatable): the measurements are compared with them. */
  rims: string[];
  /** DER certificates replacing NVIDIA's pinned Device Identity CA (`--device-root`): a lab's or a test's PKI. */
  deviceRoots?: Uint8Array[];
  /** The file they came from, for the warning. */
  deviceRootFile?: string;
}

/** The CLI options every attestation command shares (help text beside them). */
export const TRUST_OPTIONS = {
  rim: { type: "string", multiple: true },
  "device-root": { type: "string" },
} as const;

/** The help lines of TRUST_OPTIONS, the flag column `width` wide (to line up with the command's other options). */
export function trustHelp(width: number): string {
  const rows: [string, string[]][] = [
    [
      "--rim FILE",
      [
        "a RIM (NVIDIA's signed SWID-tag XML) to compare the measurements with; repeatable",
        '(driver and VBIOS). Without one the firmware is "not checked", which is not a failure',
      ],
    ],
    [
      "--device-root PEM",
      [
        "trust this root instead of NVIDIA's Device Identity CA (a test or lab PKI); loudly",
        "marked: a pass against it proves nothing about NVIDIA hardware",
      ],
    ],
  ];
  return rows
    .flatMap(([flag, lines]) =>
      lines.map((line, i) => `  ${(i === 0 ? flag : "").padEnd(width)}${line}`),
    )
    .join("\n");
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw usage(`${flag} ${file}: ${errorMessage(err)}`);
  }
}

/** Reads `--rim` and `--device-root`; an unreadable file or a root that is not PEM is a usage error. */
export function readTrustInputs(values: { rim?: string[]; "device-root"?: string }): TrustInputs {
  const rims = (values.rim ?? []).map((file) => readText(file, "--rim"));
  const file = values["device-root"];
  if (file === undefined) return { rims };
  try {
    return {
      rims,
      deviceRoots: parseCertChainPem(readText(file, "--device-root")),
      deviceRootFile: file,
    };
  } catch (err) {
    if (err instanceof AttestationInputError) throw usage(`--device-root ${file}: ${err.message}`);
    throw err;
  }
}

/** The loud line printed whenever a custom root is trusted. */
export const customRootWarning = (file: string): string =>
  `WARNING: custom root, not NVIDIA: trusting ${file} instead of NVIDIA's Device Identity CA. A pass below proves only that the GPU chains to that root, nothing about NVIDIA hardware.`;

/** One GPU's verdict, in the order the host listed its GPUs. */
export interface GpuVerdict {
  gpu: number;
  verdict: AttestationVerdict;
}

/** The verifier's options for the trust inputs: RIMs when given, the custom root in place of NVIDIA's when given. */
export function trustOptions(trust: TrustInputs): Pick<VerifyAttestationInput, "rims" | "roots"> {
  return {
    rims: trust.rims.length > 0 ? trust.rims : undefined,
    roots: trust.deviceRoots ? { device: trust.deviceRoots } : undefined,
  };
}

/** Verifies every bundle (an "unavailable" one gets the SDK's never-passing verdict). */
export async function verifyBundles(
  bundles: AttestationBundle[],
  expected: { nonce?: Hex; generation?: Generation },
  trust: TrustInputs,
): Promise<GpuVerdict[]> {
  const verdicts: GpuVerdict[] = [];
  for (const [gpu, bundle] of bundles.entries()) {
    const verdict =
      bundle.kind === "unavailable"
        ? unavailableVerdict(bundle.reason)
        : await verifyAttestation({
            report: bundle.report,
            certChain: bundle.certChain,
            expectedNonce: expected.nonce,
            expectedGeneration: expected.generation,
            ...trustOptions(trust),
          });
    verdicts.push({ gpu, verdict });
  }
  return verdicts;
}

/** The result in a few numbers: every GPU genuine, how many reported, how many distinct devices (leaf certificates). */
export function summarize(gpus: GpuVerdict[]) {
  const leaves = new Set(
    gpus.map((g) => g.verdict.chain.certificates[0]?.sha256).filter((h) => h !== undefined),
  );
  return {
    attested: gpus.length > 0 && gpus.every((g) => g.verdict.genuine),
    gpusReported: gpus.length,
    /** One GPU answering N times shows one leaf N times: only distinct leaves are distinct GPUs. */
    distinctDevices: leaves.size,
  };
}

/** The verdicts as JSON: each GPU's verdict with its plain-words headline. */
export const verdictsJson = (gpus: GpuVerdict[]) =>
  gpus.map(({ gpu, verdict }) => ({
    gpu,
    genuine: verdict.genuine,
    headline: describeVerdict(verdict).headline,
    verdict,
  }));

/** The verdicts as text lines: per GPU the headline, then what was checked and every failure. */
export function verdictLines(gpus: GpuVerdict[]): string[] {
  return gpus.flatMap(({ gpu, verdict }) => {
    const { headline, lines } = describeVerdict(verdict);
    return [`  GPU ${gpu}: ${headline}`, ...lines.map((l) => `      ${l}`)];
  });
}

/** The failure a command throws after printing verdicts that did not all pass: exit 9, kind = the first failure's code. */
export function attestationFailure(subject: string, gpus: GpuVerdict[]): ReportedFailure {
  const failing = gpus.filter((g) => !g.verdict.genuine);
  const first = failing[0]?.verdict.failures[0];
  return new ReportedFailure(
    EXIT.ATTESTATION_FAILED,
    `${subject}: NVIDIA attestation failed for ${failing.length} of ${gpus.length} GPU(s)${first ? ` (${first.code}: ${first.message})` : ""}.`,
    first?.code ?? "not-attested",
  );
}

/**
 * Prints the verdicts (text, or one JSON document with `extra` fields first) and throws exit 9 unless every GPU is
 * genuine. `notes` are extra text lines under the headline (what the nonce is, what the listing says).
 */
export function reportVerdicts(
  out: Output,
  a: {
    subject: string;
    gpus: GpuVerdict[];
    nonce: Hex | undefined;
    trust: TrustInputs;
    notes?: string[];
    extra?: object;
  },
) {
  const summary = summarize(a.gpus);
  out.result(
    {
      ...a.extra,
      attested: summary.attested,
      nonce: a.nonce ?? null,
      gpusReported: summary.gpusReported,
      distinctDevices: summary.distinctDevices,
      customRoot: a.trust.deviceRootFile ?? null,
      gpus: verdictsJson(a.gpus),
    },
    () =>
      [
        ...(a.trust.deviceRootFile ? [customRootWarning(a.trust.deviceRootFile)] : []),
        `${a.subject}: NVIDIA attestation ${summary.attested ? "PASSED" : "FAILED"}: ${summary.gpusReported} GPU answer(s), ${summary.distinctDevices} distinct device(s)`,
        `  nonce ${a.nonce ?? "not given: the report's freshness is not checked"}`,
        ...(a.notes ?? []).map((n) => `  ${n}`),
        ...verdictLines(a.gpus),
      ].join("\n"),
  );
  if (!summary.attested) throw attestationFailure(a.subject, a.gpus);
}
