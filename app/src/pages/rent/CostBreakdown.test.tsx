import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { CostBreakdownView } from "./CostBreakdown.tsx";
import { costBreakdown } from "./logic.ts";

describe("CostBreakdownView", () => {
  const terms = {
    pricePerGpuHour: 2_000_000n,
    gpusPerUnit: 8n,
    units: 2n,
    duration: 36_000n,
    feeBps: 250n,
  };

  it("shows deposit, provider share, fee and the refunds table in dollars", () => {
    render(
      <CostBreakdownView
        breakdown={costBreakdown(terms)}
        token={{ symbol: "tUSD", decimals: 6 }}
        feeBps={250n}
        duration={36_000n}
      />,
    );
    const section = screen.getByRole("region", { name: "Cost breakdown" });
    expect(
      within(section).getByText("Deposit, held in escrow").nextElementSibling?.textContent,
    ).toBe("$320.00");
    expect(
      within(section).getByText("Provider share (full term)").nextElementSibling?.textContent,
    ).toBe("$312.00");
    expect(within(section).getByText("Protocol fee (2.5%)").nextElementSibling?.textContent).toBe(
      "$8.00",
    );

    const table = within(section).getByRole("table", { name: /stop early/ });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole("cell")
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ["$240.00", "$78.00", "$2.00"],
      ["$160.00", "$156.00", "$4.00"],
      ["$80.00", "$234.00", "$6.00"],
    ]);
    expect(within(rows[0]).getByRole("rowheader").textContent).toBe("25% (2 hours 30 minutes)");
  });

  it("uses the token symbol for non-dollar tokens", () => {
    const grid = { symbol: "GRID", decimals: 18 };
    render(
      <CostBreakdownView
        breakdown={costBreakdown({ ...terms, pricePerGpuHour: 10n ** 18n })}
        token={grid}
        feeBps={250n}
        duration={36_000n}
      />,
    );
    expect(screen.getByText("Deposit, held in escrow").nextElementSibling?.textContent).toBe(
      "160 GRID",
    );
  });
});
