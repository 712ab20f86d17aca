import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { LeaseReview, ProviderTrust } from "./TrustSections.tsx";
import { RouterProvider } from "../../lib/router.tsx";

vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337 }),
  useReadClient: () => undefined,
}));

const PROVIDER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const BUYER = "0xcd3b766ccdd6ae721141f452c550ca635964ce71";
const TRUSTED = "0xbda5747bfd65f08deb54cb465eb87d40e51b197e";
const OTHER = "0xdd2fd4581271e230360230f9337d5c0430bf44c0";
const NOW = Math.floor(Date.now() / 1000);
const review = (lease: number, score: number, feeWeight: string) => ({
  id: `0x${lease.toString(16).padStart(64, "0")}`,
  lease: { id: String(lease) },
  provider: { id: PROVIDER },
  buyer: { id: BUYER },
  score,
  verified: lease === 7,
  reportHash: `0x${"cd".repeat(32)}`,
  createdAt: String(NOW - lease),
  feeWeight,
});
const audit = (n: number, auditor: string, p: Record<string, unknown> = {}) => ({
  id: `0x${n.toString(16).padStart(64, "0")}`,
  offer: { id: String(n) },
  provider: { id: PROVIDER },
  auditor,
  hardwareReportHash: `0x${"ab".repeat(32)}`,
  verdict: 1,
  validUntil: String(NOW + 86_400 * n),
  attestedAt: String(NOW - 100),
  revokedAt: null,
  ...p,
});

/** The indexer: reviews (by lease when asked), audits and one provider's evidence, as Ponder answers. */
function indexer(reviews: unknown[]) {
  return vi.fn(async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as {
      query: string;
      variables: { where?: { lease?: string } };
    };
    const page = (items: unknown[]) => ({
      items,
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    const q = body.query;
    const lease = body.variables.where?.lease;
    const data = q.includes("reviews(")
      ? {
          reviews: page(
            lease
              ? reviews.filter((r) => (r as { lease: { id: string } }).lease.id === lease)
              : reviews,
          ),
        }
      : q.includes("audits(")
        ? {
            audits: page([
              audit(1, TRUSTED),
              audit(2, OTHER),
              audit(3, TRUSTED, { revokedAt: String(NOW - 5) }),
            ]),
          }
        : {
            provider: {
              id: PROVIDER,
              completedWeight: "4000",
              faultWeight: "0",
              noShowWeight: "0",
              deliveredWeight: "4000",
              uptimeWeight: "4000",
              reviewWeight: "4000",
              reviewScoreWeight: "20000",
              feesPaidUsdMicros: "4000",
              auditedUntil: "0",
              reviewCount: 2,
              auditCount: 3,
            },
          };
    return new Response(JSON.stringify({ data }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  });
}

const wrap = (children: ReactNode) => (
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    <RouterProvider>{children}</RouterProvider>
  </QueryClientProvider>
);

afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("the explorer's trust sections", () => {
  it("a provider: its score with every number open, its audits marked trusted or unverified, its reviews", async () => {
    vi.stubGlobal("fetch", indexer([review(7, 5, "2500"), review(9, 2, "0")]));
    render(wrap(<ProviderTrust address={PROVIDER} leasesServed={40} />));
    // Self-dealing in miniature: half a cent of fee evidence barely moves the score from its prior.
    const table = await screen.findByRole("table", { name: /How the score of/ });
    const completion = within(table).getByRole("rowheader", { name: "Completion" }).closest("tr")!;
    expect(completion.textContent).toContain(
      "fees of leases run to term or ended by the buyer: <$0.01",
    );
    expect(completion.textContent).toContain("prior evidence: $50.00");
    expect(screen.getByText(/on <\$0\.01 of fee evidence/)).toBeDefined();
    expect(screen.getByTestId("score-why").textContent).toMatch(
      /^40 leases served, which paid <\$0\.01 in protocol fees, with 2 reviews and 3 audits\. .* a prior worth \$50\.00 of fees/,
    );

    const audits = (await screen.findByText("Offer #2")).closest("table")!;
    const rows = within(audits).getAllByRole("row").slice(1);
    // Longest valid first.
    expect(rows[0].textContent).toMatch(/Offer #3.*trusted.*Revoked/);
    expect(rows[1].textContent).toMatch(/Offer #2.*unverified.*In force/);
    expect(rows[2].textContent).toMatch(/Offer #1.*trusted.*Pass.*In force/);

    const reviews = await screen.findAllByTestId("review");
    expect(reviews).toHaveLength(2);
    expect(reviews[0].textContent).toMatch(/★★★★★.*5\/5.*Verified.*Lease #7/);
    expect(reviews[0].textContent).toMatch(/weighs <\$0\.01 of fee in the score|weighs \$0\.00/);
    expect(reviews[1].textContent).toMatch(
      /not verified.*counts in the score once the lease has ended/,
    );
    await userEvent.click(within(reviews[1]).getByRole("link", { name: "Lease #9" }));
    expect(window.location.pathname).toBe("/explorer/leases/9");
  });

  it("a lease: its buyer's review, or a sentence when it has none", async () => {
    vi.stubGlobal("fetch", indexer([review(7, 4, "2500000")]));
    const { unmount } = render(wrap(<LeaseReview leaseId="7" />));
    const item = await screen.findByTestId("review");
    expect(item.textContent).toMatch(/The buyer's review: ★★★★☆ 4\/5 Verified/);
    expect(item.textContent).toContain("weighs $2.50 of fee in the score");
    unmount();
    render(wrap(<LeaseReview leaseId="8" />));
    expect(await screen.findByText("The buyer has not reviewed this lease.")).toBeDefined();
  });
});
