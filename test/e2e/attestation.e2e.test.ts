/**
 * NVIDIA attestation in the app, in Chromium: the verify page checks NVIDIA's published Hopper report (the fixture
 * in sdk/test/fixtures/nvidia-attestation/) and gives the same verdict as the SDK in Node; a one-bit change is
 * rejected by name; malformed input is said in words; the verifier's chunk is fetched only when "Verify" is
 * pressed. The seeded offer whose claim is made with the test PKI (not NVIDIA's root) shows "not verified" and no
 * badge, on the rent page, on its provider's explorer page and in the market list.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page, Request } from "playwright-core";
import { listOffers, createIndexerClient } from "@gridlease/sdk";
import {
  parseCertChainPem,
  parseReportHex,
  verifyAttestation,
  type AttestationVerdict,
} from "@gridlease/sdk/attestation";
import {
  e2eStack,
  expectNoSeriousA11yViolations,
  launchBrowser,
  openPage,
  pageErrors,
  type E2EBrowser,
} from "./support/harness.ts";

const FIXTURES = fileURLToPath(
  new URL("../../sdk/test/fixtures/nvidia-attestation/", import.meta.url),
);
const REPORT_FILE = `${FIXTURES}hopperAttestationReport.txt`;
const CHAIN_FILE = `${FIXTURES}hopperCertChain.txt`;
/** The nonce of NVIDIA's published report (its SPDM request, bytes 4..36). */
const FIXTURE_NONCE = "0x931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
/** The verifier's chunk (app/src/lib/attestationVerifier.ts names it). */
const VERIFIER_CHUNK = /\/assets\/attestationVerifier-[\w-]+\.js$/;

let browser: E2EBrowser;
const requested: string[] = [];
const onRequest = (r: Request) => requested.push(r.url());
const verifierRequests = () => requested.filter((u) => VERIFIER_CHUNK.test(new URL(u).pathname));

beforeAll(async () => {
  browser = await launchBrowser();
  browser.context.on("request", onRequest);
});
afterAll(() => browser?.close());

/** The verify page with a report and chain in the "report and chain" form and the fixture's nonce as "another". */
async function fillFixture(page: Page, report?: string) {
  await page.getByLabel("A report (hex) and its certificate chain (PEM)").check();
  if (report === undefined) await page.getByTestId("report-file").setInputFiles(REPORT_FILE);
  else await page.getByLabel("Attestation report (hex)").fill(report);
  await page.getByTestId("chain-file").setInputFiles(CHAIN_FILE);
  await page.getByLabel(/I used another nonce/).check();
  await page.getByLabel("The nonce the report answers (64 hex digits)").fill(FIXTURE_NONCE);
}

/** The verdict the page shows as JSON. */
async function pageVerdict(page: Page): Promise<AttestationVerdict> {
  const text = await page.getByTestId("verdict-json").first().textContent();
  return JSON.parse(text ?? "") as AttestationVerdict;
}

const withoutTime = ({ checkedAt: _, ...rest }: AttestationVerdict) => rest;

describe("the verify page", () => {
  it("verifies NVIDIA's Hopper report in the browser, with the same verdict as Node, loading the verifier only then", async () => {
    requested.length = 0;
    const page = await openPage(browser, "/verify");
    await page.getByRole("heading", { name: "Verify an NVIDIA GPU attestation" }).waitFor();
    await expect(page.getByText(/gridlease-attest --nonce [0-9a-f]{64}/).count()).resolves.toBe(1);
    await fillFixture(page);
    // Everything is on the page, but nothing has been verified: the verifier's chunk is not fetched yet.
    expect(verifierRequests()).toEqual([]);

    await page.getByRole("button", { name: "Verify" }).click();
    const headline = page.locator(".verdict-headline");
    await headline.waitFor();
    expect(verifierRequests()).toHaveLength(1);
    await expect(headline.textContent()).resolves.toMatch(/Genuine/);
    await expect(headline.textContent()).resolves.toMatch(/GH100/);

    const inBrowser = await pageVerdict(page);
    const inNode = await verifyAttestation({
      report: parseReportHex(readFileSync(REPORT_FILE, "utf8")),
      certChain: parseCertChainPem(readFileSync(CHAIN_FILE, "utf8")),
      expectedNonce: FIXTURE_NONCE,
    });
    expect(inBrowser.genuine).toBe(true);
    expect(inBrowser.generation).toBe("hopper");
    expect(inBrowser.chip).toBe("GH100");
    expect(withoutTime(inBrowser)).toEqual(withoutTime(inNode));
    await expectNoSeriousA11yViolations(page);
    expect(pageErrors(page)).toEqual([]);
  });

  it("rejects a report with one bit flipped in its signature, naming the reason", async () => {
    const hex = readFileSync(REPORT_FILE, "utf8").replace(/\s+/g, "");
    // The last byte of the signature (the report's last 96 bytes are r||s), lowest bit.
    const flipped =
      hex.slice(0, -2) + (parseInt(hex.slice(-2), 16) ^ 1).toString(16).padStart(2, "0");
    const page = await openPage(browser, "/verify");
    await fillFixture(page, flipped);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator(".verdict-headline").waitFor();
    const verdict = await pageVerdict(page);
    expect(verdict.genuine).toBe(false);
    expect(verdict.failures.map((f) => f.code)).toContain("ReportSignatureInvalid");
    await expect(page.locator(".verdict-failures").textContent()).resolves.toContain(
      "(ReportSignatureInvalid)",
    );
    expect(pageErrors(page)).toEqual([]);
  });

  it("says in words why malformed input cannot be verified", async () => {
    const page = await openPage(browser, "/verify");
    await page
      .getByRole("textbox", { name: "Output of gridlease-attest" })
      .fill("this is not what the hook prints");
    await page.getByRole("button", { name: "Verify" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "This input cannot be verified" });
    await alert.waitFor();
    await expect(page.locator(".verdict-headline").count()).resolves.toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });
});

describe("the seeded test-PKI claim", () => {
  /** The seeded offer with an attestation claim (made with the SDK's test PKI, which is not NVIDIA's root). */
  async function claimedOffer() {
    const indexer = createIndexerClient({ url: e2eStack().indexerUrl });
    const offers = await listOffers(indexer, {});
    const claimed = offers.filter((o) => o.attestation);
    expect(claimed).toHaveLength(1);
    return claimed[0]!;
  }

  it("shows 'not verified' and no badge on the rent page", async () => {
    const offer = await claimedOffer();
    const page = await openPage(browser, `/offers/${offer.offerId}`);
    const note = page.getByText(/Attestation claim not verified:/);
    await note.first().waitFor({ timeout: 60_000 });
    await expect(note.first().textContent()).resolves.toMatch(/not a trusted root/);
    await expect(page.getByText("NVIDIA-attested").count()).resolves.toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });

  it("shows 'not verified' and no badge on the provider's explorer page", async () => {
    const offer = await claimedOffer();
    const page = await openPage(browser, `/explorer/address/${offer.provider}`);
    const row = page
      .getByRole("row")
      .filter({ hasText: new RegExp(`Offer #${offer.offerId}(?!\\d)`) });
    await row.getByText(/Attestation claim not verified:/).waitFor({ timeout: 60_000 });
    await expect(page.getByText("NVIDIA-attested").count()).resolves.toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });

  it("shows 'not verified' and no badge in the market list", async () => {
    const offer = await claimedOffer();
    const page = await openPage(
      browser,
      `/?gpu=${encodeURIComponent(offer.gpuModel)}&region=${encodeURIComponent(offer.region)}`,
    );
    const row = page.getByRole("row").filter({ hasText: new RegExp(`#${offer.offerId}(?!\\d)`) });
    await row.waitFor({ timeout: 60_000 });
    await row.getByText(/Attestation claim not verified:/).waitFor({ timeout: 60_000 });
    await expect(page.getByText("NVIDIA-attested").count()).resolves.toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });
});
