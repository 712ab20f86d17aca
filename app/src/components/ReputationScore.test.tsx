import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { providerReputation } from "@gridlease/sdk/reputation";
import { ReputationScore } from "./ReputationScore.tsx";

const NOW = 1_800_000_000n;
const inputs = {
  completedWeight: 40_000_000n,
  faultWeight: 10_000_000n,
  noShowWeight: 10_000_000n,
  deliveredWeight: 40_000_000n,
  uptimeWeight: 30_000_000n,
  reviewWeight: 20_000_000n,
  reviewScoreWeight: 80_000_000n,
  feesPaidUsdMicros: 40_000_000n,
  auditedUntil: 0n,
};

describe("ReputationScore", () => {
  it("shows the score and, once opened, every component with its weight and the fees behind it", async () => {
    const rep = providerReputation(inputs, NOW);
    render(<ReputationScore reputation={rep} />);
    expect(screen.getByText(`Score ${(rep.scoreBps / 100).toFixed(1)}`)).toBeDefined();
    expect(screen.getByText("on $50.00 of fee evidence")).toBeDefined();
    // The table is built only when opened.
    expect(screen.queryByRole("table")).toBeNull();
    await userEvent.click(screen.getByText(/^Score/));
    const table = screen.getByRole("table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getByRole("rowheader").textContent)).toEqual([
      "Completion",
      "No-shows",
      "Uptime (outages open 15 min or more)",
      "Reviews",
      "Audit by a published auditor",
    ]);
    expect(rows[0].textContent).toContain(
      `${(rep.components.completion.valueBps / 100).toFixed(1)}%`,
    );
    expect(rows[0].textContent).toContain("30.0%");
    expect(rows[0].textContent).toContain(
      "fees of leases run to term or ended by the buyer: $40.00",
    );
    expect(rows[0].textContent).toContain("prior evidence: $50.00");
    expect(rows[4].textContent).toContain("audited until: never");
    // The points add up to the score (each rounded to hundredths).
    const points = rows.map((r) => Number(r.querySelectorAll("td")[2].textContent));
    expect(points.reduce((a, b) => a + b, 0)).toBeCloseTo(rep.scoreBps / 100, 1);
  });
});
