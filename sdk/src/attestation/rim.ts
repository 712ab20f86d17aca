/**
 * NVIDIA's Reference Integrity Manifests (RIMs): SWID tags (ISO/IEC 19770-2) whose `Resource type="Measurement"`
 * entries hold the golden SHA-384 values of the driver's and the VBIOS's measurements, signed with an enveloped XML
 * signature (xmldsigjs) by a certificate chain ending at NVIDIA's RIM root.
 *
 * The RIMs are canonicalized with C14N 1.1 (`http://www.w3.org/2006/12/xml-c14n11`), which xmldsigjs does not
 * implement. C14N 1.1 differs from C14N 1.0 only in how `xml:` attributes (xml:id, xml:base, xml:lang, xml:space) of
 * omitted ancestors are inherited into a document subset. For a signature over the whole document (Reference URI="",
 * enveloped-signature transform) in a document with no `xml:` attribute, both give the same bytes, so the 1.1 URI
 * is mapped to xmldsigjs's C14N 1.0 transform. A RIM whose signature has any other shape, or that carries an `xml:`
 * attribute, is refused (RimSignatureInvalid) rather than verified with the wrong canonicalization.
 */
import "./reflect.ts";
import { setNodeDependencies } from "xml-core";
import { Application, CryptoConfig, Parse, SignedXml, XmlDsigC14NTransform } from "xmldsigjs";
import { readCertificate, verifyChain, type TrustedRoot } from "./chain.ts";
import { chipOfName } from "./generation.ts";
import type { AttestationFailure, AttestationVerdict, FirmwareMatch, Hex } from "./types.ts";

const XMLDSIG = "http://www.w3.org/2000/09/xmldsig#";
const SWID = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const C14N_11 = "http://www.w3.org/2006/12/xml-c14n11";
const C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";

let nodeDom: Promise<void> | undefined;

/**
 * xml-core parses with the platform's DOM. Node has none: there it gets xmldom (refusing XML with errors instead of
 * logging them and guessing) and xpath, imported only there: a browser never loads them (bundlers give them a chunk
 * of their own).
 */
function ensureDom(): Promise<void> {
  if (typeof DOMParser !== "undefined") return Promise.resolve();
  nodeDom ??= Promise.all([import("@xmldom/xmldom"), import("xpath")]).then(([xmldom, xpath]) => {
    class StrictDOMParser extends xmldom.DOMParser {
      constructor() {
        super({
          onError: (level, message) => {
            if (level !== "warning") throw new Error(message);
          },
        });
      }
    }
    setNodeDependencies({
      DOMParser: StrictDOMParser,
      XMLSerializer: xmldom.XMLSerializer,
      xpath: xpath.default,
    });
  });
  return nodeDom;
}

if (Application.isNodePlugin()) Application.setEngine("WebCrypto", globalThis.crypto);
// Exact only for the whole-document enveloped form checked in `signatureShape` (see the module comment).
CryptoConfig.RegisterTransform(C14N_11, XmlDsigC14NTransform);

/** One RIM's golden values: for each active measurement index, the accepted alternatives. */
export type GoldenValues = Map<number, { rim: string; alternatives: Hex[] }[]>;

/** What checking the RIMs found. */
export interface RimsResult {
  rims: AttestationVerdict["firmware"]["rims"];
  golden: GoldenValues;
  failures: AttestationFailure[];
}

/** Checks every RIM's signature and signer chain, and collects their golden measurements. Never throws. */
export async function checkRims(
  texts: string[],
  roots: TrustedRoot[],
  now: Date,
  chip: string | null,
): Promise<RimsResult> {
  const result: RimsResult = { rims: [], golden: new Map(), failures: [] };
  await ensureDom();
  for (const [position, text] of texts.entries()) {
    const label = `RIM ${position + 1}`;
    let document: Document;
    try {
      document = Parse(text);
    } catch (error) {
      result.failures.push({
        code: "RimMalformed",
        message: `${label} is not XML: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    const root = document.documentElement;
    if (!root || root.localName !== "SoftwareIdentity" || root.namespaceURI !== SWID) {
      result.failures.push({
        code: "RimMalformed",
        message: `${label} is not a SWID tag (SoftwareIdentity)`,
      });
      continue;
    }
    const meta = elements(root, SWID, "Meta")[0];
    const product = meta?.getAttribute("product") ?? root.getAttribute("name") ?? "";
    const name =
      [product, meta?.getAttribute("colloquialVersion")].filter(Boolean).join(" ") || label;
    const measurements = readMeasurements(root);
    if (typeof measurements === "string") {
      result.failures.push({ code: "RimMalformed", message: `RIM "${name}": ${measurements}` });
      continue;
    }
    for (const [index, alternatives] of measurements) {
      const entries = result.golden.get(index) ?? [];
      entries.push({ rim: name, alternatives });
      result.golden.set(index, entries);
    }
    const rimChip = chipOfName(product)?.chip ?? null;
    if (chip && rimChip !== chip)
      result.failures.push({
        code: "RimGenerationMismatch",
        message: `RIM "${name}" is for ${product || "an unnamed product"}, but the GPU is a ${chip}`,
      });
    const checked = await checkSignature(document, name, roots, now);
    result.rims.push({ name, signature: checked.signature, root: checked.root });
    result.failures.push(...checked.failures);
  }
  return result;
}

/** The active measurements of a RIM: index -> Hash0..HashN (lowercase hex), or a reason it cannot be read. */
function readMeasurements(root: Element): Map<number, Hex[]> | string {
  const out = new Map<number, Hex[]>();
  for (const resource of elements(root, SWID, "Resource")) {
    if (
      resource.getAttribute("type") !== "Measurement" ||
      resource.getAttribute("active") !== "True"
    )
      continue;
    const index = Number(resource.getAttribute("index"));
    if (!Number.isInteger(index) || index < 0)
      return `a measurement has index ${resource.getAttribute("index")}`;
    const alternatives: Hex[] = [];
    for (const attribute of Array.from(resource.attributes)) {
      if (!/^Hash\d+$/.test(attribute.localName)) continue;
      const value = attribute.value.toLowerCase();
      if (!/^([0-9a-f]{2})+$/.test(value))
        return `measurement ${index}'s ${attribute.localName} is not hex`;
      alternatives.push(`0x${value}`);
    }
    if (alternatives.length === 0) return `active measurement ${index} has no Hash0`;
    if (out.has(index)) return `measurement ${index} appears twice`;
    out.set(index, alternatives);
  }
  return out;
}

/** Verifies the enveloped signature with the first KeyInfo certificate, and that certificate's chain. */
async function checkSignature(
  document: Document,
  name: string,
  roots: TrustedRoot[],
  now: Date,
): Promise<{
  signature: "valid" | "invalid";
  root: "nvidia" | "custom" | "untrusted";
  failures: AttestationFailure[];
}> {
  const invalid = (message: string): Awaited<ReturnType<typeof checkSignature>> => ({
    signature: "invalid",
    root: "untrusted",
    failures: [{ code: "RimSignatureInvalid", message: `RIM "${name}": ${message}` }],
  });
  const shape = signatureShape(document);
  if (typeof shape === "string") return invalid(shape);
  const certificates = elements(shape, XMLDSIG, "X509Certificate").map((element) =>
    base64ToBytes(element.textContent ?? ""),
  );
  if (certificates.length === 0 || certificates.some((der) => der === null))
    return invalid("its KeyInfo holds no readable X509Certificate");
  const chainDer = certificates.filter((der): der is Uint8Array => der !== null);
  let verified = false;
  let detail = "";
  try {
    const signer = readCertificate(chainDer[0] ?? new Uint8Array());
    const key = await signer.publicKey.export({ name: "ECDSA", namedCurve: "P-384" }, ["verify"]);
    const signed = new SignedXml(document);
    signed.LoadXml(shape);
    // xmldsigjs re-imports the key with the signature algorithm, which names no curve for ECDSA: name it.
    const algorithm: EcdsaParams & EcKeyImportParams = {
      name: "ECDSA",
      hash: "SHA-384",
      namedCurve: "P-384",
    };
    signed.Algorithm = algorithm;
    verified = await signed.Verify(key);
  } catch (error) {
    // xmldsigjs throws (a plain object, not an Error) when a reference's digest differs.
    detail = `: ${messageOf(error)}`;
  }
  const chain = await verifyChain(chainDer, roots, now, {
    label: `RIM "${name}"`,
    leafSigns: true,
  });
  const failures: AttestationFailure[] = [];
  if (!verified)
    failures.push({
      code: "RimSignatureInvalid",
      message: `RIM "${name}": the XML signature does not verify${detail}`,
    });
  for (const failure of chain.failures)
    failures.push({
      code: failure.code === "UntrustedRoot" ? "RimUntrustedRoot" : "RimCertificateInvalid",
      message: failure.message,
    });
  return {
    signature: verified ? "valid" : "invalid",
    root: chain.anchor ?? "untrusted",
    failures,
  };
}

/**
 * The one ds:Signature, if it is a child of the root element signing the whole document (Reference URI="") with the
 * enveloped-signature transform, C14N 1.0 or 1.1 and ECDSA-SHA384, in a document with no `xml:` attribute; otherwise
 * the reason it is refused.
 */
function signatureShape(document: Document): Element | string {
  const root = document.documentElement;
  if (!root) return "it has no root element";
  const signatures = elements(root, XMLDSIG, "Signature");
  const signature = signatures[0];
  if (signatures.length !== 1 || !signature)
    return `it has ${signatures.length} signatures, not one`;
  if (signature.parentNode !== root)
    return "its signature is not a child of the root element (not enveloped)";
  const algorithm = (local: string) =>
    elements(signature, XMLDSIG, local).map((e) => e.getAttribute("Algorithm"));
  const c14n = algorithm("CanonicalizationMethod");
  if (c14n.length !== 1 || !isC14n(c14n[0]))
    return `its canonicalization is ${c14n.join(", ")}, not C14N 1.0/1.1`;
  const method = algorithm("SignatureMethod");
  if (method.length !== 1 || method[0] !== ECDSA_SHA384)
    return `its signature method is ${method.join(", ")}`;
  const references = elements(signature, XMLDSIG, "Reference");
  const reference = references[0];
  if (references.length !== 1 || !reference || reference.getAttribute("URI") !== "")
    return 'its signature does not cover the whole document (one Reference with URI="")';
  const transforms = elements(reference, XMLDSIG, "Transform").map((e) =>
    e.getAttribute("Algorithm"),
  );
  if (
    transforms[0] !== ENVELOPED ||
    transforms.length > 2 ||
    (transforms.length === 2 && !isC14n(transforms[1]))
  )
    return `its transforms are ${transforms.join(", ")}, not enveloped-signature then C14N`;
  const usesXmlAttribute = elements(root, "*", "*")
    .concat(root)
    .some((element) =>
      Array.from(element.attributes).some((attribute) => attribute.namespaceURI === XML_NAMESPACE),
    );
  if (usesXmlAttribute) return "it carries an xml: attribute, where C14N 1.1 and 1.0 differ";
  return signature;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (
    typeof error === "object" &&
    error !== null &&
    "message" in error &&
    typeof error.message === "string"
  )
    return error.message;
  return String(error);
}

function isC14n(algorithm: string | null | undefined): boolean {
  return algorithm === C14N_11 || algorithm === C14N_10;
}

/**
 * Compares each report measurement with the RIMs' golden values; indices are NVIDIA's (SPDM block index − 1).
 * Indices in `skip` are left "not-checked" (see `skippedMeasurements`).
 */
export function compareMeasurements(
  measurements: AttestationVerdict["measurements"],
  golden: GoldenValues,
  skip: ReadonlySet<number> = new Set(),
): { measurements: AttestationVerdict["measurements"]; failures: AttestationFailure[] } {
  const failures: AttestationFailure[] = [];
  const compared = measurements.map((measurement) => {
    if (skip.has(measurement.index)) return measurement;
    const entries = golden.get(measurement.index);
    const notInRim: FirmwareMatch = "not-in-rim";
    if (!entries) return { ...measurement, firmware: notInRim };
    const value = measurement.value.toLowerCase();
    const wrong = entries.filter((entry) => !entry.alternatives.includes(`0x${value.slice(2)}`));
    for (const entry of wrong)
      failures.push({
        code: "MeasurementMismatch",
        message: `measurement ${measurement.index} is ${shortHex(measurement.value)}, but RIM "${entry.rim}" expects ${entry.alternatives.map(shortHex).join(" or ")}`,
        index: measurement.index,
      });
    const firmware: FirmwareMatch = wrong.length === 0 ? "match" : "mismatch";
    return { ...measurement, firmware };
  });
  const present = new Set(measurements.map((measurement) => measurement.index));
  for (const [index, entries] of golden)
    if (!present.has(index) && !skip.has(index))
      failures.push({
        code: "MeasurementMismatch",
        message: `RIM "${entries[0]?.rim ?? ""}" defines measurement ${index}, but the report has none`,
        index,
      });
  return { measurements: compared, failures };
}

function shortHex(value: Hex): string {
  return value.length > 18 ? `${value.slice(0, 18)}…` : value;
}

function elements(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(namespace, localName));
}

function base64ToBytes(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  try {
    return Uint8Array.from(atob(compact), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
