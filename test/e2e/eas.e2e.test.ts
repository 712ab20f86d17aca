/**
 * Attestations in the app, in Chromium against the seeded stack (issue #13): a buyer reviews an activated lease
 * from "My leases" and the review appears there and on the explorer's lease page; the market badges an offer the
 * published auditor (#17) audited as "Audited by … until …", and the offer audited by an auditor on no list (#18)
 * as "Unverified audit", never as audited; the vetted-buyer offer tells the refused buyer (#19, vetted by an attester
 * the offer does not name) and the vetted one (#15) what its policy answers; the published auditor attests an
 * offer's hardware at /audit, sees the audit in force, and revokes it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIndexerClient, listLeases, listOffers } from "@gridlease/sdk";
import { listAudits, listReviews } from "@gridlease/sdk/indexer";
import { POLICY_CHECK_REASONS } from "@gridlease/sdk/eas";
import {
  connectFakeWallet,
  devAddress,
  e2eStack,
  expectNoSeriousA11yViolations,
  launchBrowser,
  openPage,
  pageErrors,
  type E2EBrowser,
} from "./support/harness.ts";
import { CONFIRM_TIMEOUT, indexerQuery, openWithFakeWallet } from "./support/journey-helpers.ts";

let browser: E2EBrowser;
beforeAll(async () => (browser = await launchBrowser()));
afterAll(() => browser?.close());

const indexer = () => createIndexerClient({ url: e2eStack().indexerUrl });
/** The seeded buyers whose keys `hardhat node` holds (the fake wallet can sign only for #0-#19). */
const BUYER_ACCOUNTS = [15, 16];
const PUBLISHED_AUDITOR = devAddress(17);
const UNLISTED_AUDITOR = devAddress(18);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A running lease of a buyer the fake wallet can sign for, which nobody has reviewed yet. */
async function unreviewedActiveLease(): Promise<{ leaseId: bigint; account: number }> {
  const reviewed = new Set((await listReviews(indexer(), {})).map((r) => r.leaseId.toString()));
  for (const account of BUYER_ACCOUNTS) {
    const leases = await listLeases(indexer(), { buyer: devAddress(account) });
    const lease = leases.find((l) => l.status === "Active" && !reviewed.has(l.leaseId.toString()));
    if (lease) return { leaseId: lease.leaseId, account };
  }
  throw new Error(`no unreviewed running lease of buyers #${BUYER_ACCOUNTS.join(", #")}`);
}

describe("reviews", () => {
  it("a buyer reviews an activated lease and the review appears on its card and in the explorer", async () => {
    const { leaseId, account } = await unreviewedActiveLease();
    const { page, errors } = await openWithFakeWallet(browser, "/leases", account);
    await connectFakeWallet(page, { account });

    const card = page.getByRole("article", { name: `Lease #${leaseId}` });
    await card.getByRole("button", { name: "Review this lease" }).click({ timeout: 60_000 });
    const form = card.getByRole("form", { name: `Review lease #${leaseId}` });
    // No verify run of this lease in this fresh browser: the form starts unverified and says how to verify.
    await expect(form.getByLabel(/Verified: the GPUs passed/).isChecked()).resolves.toBe(false);
    await form.getByLabel("4", { exact: true }).check();
    await form.getByRole("button", { name: "Post review" }).click();
    await card.locator('[data-status="confirmed"]').waitFor({ timeout: CONFIRM_TIMEOUT });

    // The card gives way to the review once the indexer has it.
    const mine = card.getByTestId("review");
    await mine.waitFor({ timeout: CONFIRM_TIMEOUT });
    await expect(mine.textContent()).resolves.toMatch(/Your review: ★★★★☆ 4\/5 not verified/);
    await expect(card.getByRole("button", { name: "Review this lease" }).count()).resolves.toBe(0);

    const [review] = await listReviews(indexer(), { leaseId });
    expect(review).toMatchObject({ score: 4, verified: false });
    expect(same(review!.buyer, devAddress(account))).toBe(true);

    await page.goto(new URL(`/explorer/leases/${leaseId}`, e2eStack().appUrl).href);
    const shown = page.getByTestId("review");
    await shown.waitFor({ timeout: 60_000 });
    await expect(shown.textContent()).resolves.toMatch(/The buyer's review: ★★★★☆ 4\/5/);
    await expectNoSeriousA11yViolations(page);
    expect(errors).toEqual([]);
  });
});

describe("audit badges in the market", () => {
  it("badges the published auditor's audit, and calls the unlisted auditor's one unverified", async () => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const audits = await listAudits(indexer(), {});
    const open = new Map(
      (await listOffers(indexer(), { paused: false })).map((o) => [o.offerId.toString(), o]),
    );
    const unlisted = audits.find(
      (a) => same(a.auditor, UNLISTED_AUDITOR) && a.revokedAt === null && a.validUntil > now,
    );
    expect(unlisted, "the seed's audit by #18").toBeDefined();
    expect(audits.some((a) => same(a.auditor, PUBLISHED_AUDITOR) && a.verdict === 1)).toBe(true);

    // Only offers a trusted auditor passed: every badge there is "Audited by <#17> until <date>".
    const page = await openPage(browser, "/?audited=1");
    const first = page.getByText(/^Audited by 0xbDA5…197E until \d{4}-\d{2}-\d{2}$/).first();
    await first.waitFor({ timeout: 60_000 });
    await expect(page.getByText("Unverified audit").count()).resolves.toBe(0);
    await expectNoSeriousA11yViolations(page);
    expect(pageErrors(page)).toEqual([]);

    // The offer #18 audited, in the market list filtered to its model and region.
    const offer = open.get(unlisted!.offerId.toString());
    expect(offer, `offer #${unlisted!.offerId} is listed`).toBeDefined();
    const list = await openPage(
      browser,
      `/?gpu=${encodeURIComponent(offer!.gpuModel)}&region=${encodeURIComponent(offer!.region)}`,
    );
    const row = list.getByRole("row").filter({
      has: list.getByRole("link", { name: `Rent offer #${offer!.offerId}`, exact: true }),
    });
    await row.getByText("Unverified audit").waitFor({ timeout: 60_000 });
    await expect(row.getByText(/Audited by/).count()).resolves.toBe(0);
    expect(pageErrors(list)).toEqual([]);
  });
});

describe("the vetted-buyer offer", () => {
  it("says how to get vetted, and what the policy answers for a refused and a vetted buyer", async () => {
    const { offerRequirements } = await indexerQuery<{
      offerRequirements: { items: { id: string; attesters: string[] }[] };
    }>(`{ offerRequirements(limit: 10) { items { id attesters } } }`);
    expect(offerRequirements.items).toHaveLength(1);
    const { id, attesters } = offerRequirements.items[0]!;
    expect(attesters.map((a) => a.toLowerCase())).toEqual([PUBLISHED_AUDITOR.toLowerCase()]);

    // In the SDK's words for AttestationPolicy.check: 3 AttesterNotNamed, 0 Allowed.
    for (const [account, code] of [
      [19, 3],
      [15, 0],
    ] as const) {
      const { page, errors } = await openWithFakeWallet(browser, `/offers/${id}`, account);
      await connectFakeWallet(page, { account });
      const panel = page.getByRole("region", { name: "Vetted buyers only" });
      await panel.getByText(/Gridlease buyer vetting/).waitFor({ timeout: 60_000 });
      await panel.getByText(`gridlease vet ${devAddress(account)}`).waitFor();
      const said = panel.getByText(/^For your address: /);
      await said.waitFor({ timeout: 60_000 });
      await expect(said.textContent()).resolves.toBe(
        `For your address: ${POLICY_CHECK_REASONS[code]}`,
      );
      if (account === 19) await expectNoSeriousA11yViolations(page);
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});

describe("the auditor's view", () => {
  it("the published auditor attests an offer it had not audited, sees it in force, and revokes it", async () => {
    const audited = new Set((await listAudits(indexer(), {})).map((a) => a.offerId.toString()));
    const offer = (await listOffers(indexer(), { paused: false })).find(
      (o) => !audited.has(o.offerId.toString()),
    );
    expect(offer, "an offer nobody audited").toBeDefined();
    const { page, errors } = await openWithFakeWallet(browser, "/audit", 17);
    await connectFakeWallet(page, { account: 17 });
    await page.getByText(/You are one of the market's published auditors/).waitFor();

    const form = page.getByRole("form", { name: "Attest an audit" });
    await form.getByLabel("Offer number").fill(String(offer!.offerId));
    await form.getByText(offer!.provider, { exact: false }).waitFor();
    const hash = `0x${"5a".repeat(32)}`;
    await form.getByLabel(/Hardware report hash/).fill(hash);
    await form.getByLabel(/Pass: the hardware is what the offer lists/).check();
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel(/Valid until/).fill(until);
    await form.getByRole("button", { name: "Attest audit" }).click();
    await form.locator('[data-status="confirmed"]').waitFor({ timeout: CONFIRM_TIMEOUT });

    const mine = page.getByRole("region", { name: "Your audits" });
    const row = mine.getByRole("row").filter({
      has: page.getByRole("link", { name: `Offer #${offer!.offerId}`, exact: true }),
    });
    await row.getByText("In force").waitFor({ timeout: CONFIRM_TIMEOUT });
    const [onChain] = (await listAudits(indexer(), { offerId: offer!.offerId })).filter((a) =>
      same(a.auditor, PUBLISHED_AUDITOR),
    );
    expect(onChain).toMatchObject({ hardwareReportHash: hash, verdict: 1, revokedAt: null });
    expect(onChain!.validUntil).toBe(BigInt(Date.parse(`${until}T23:59:59Z`) / 1000));

    await row.getByRole("button", { name: `Revoke the audit of offer #${offer!.offerId}` }).click();
    await row.getByText("Revoked").waitFor({ timeout: CONFIRM_TIMEOUT });
    await expectNoSeriousA11yViolations(page);
    expect(errors).toEqual([]);
  });
});
