import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { RouterProvider } from "../lib/router.tsx";
import { AuditBadge } from "./AuditBadge.tsx";
import type { AuditStatus } from "../lib/eas.ts";

const AUDITOR = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E";
const UID = `0x${"aa".repeat(32)}` as const;
const UNTIL = BigInt(Date.UTC(2027, 0, 5, 12) / 1000);

const show = (status: AuditStatus, full = false) =>
  render(
    <RouterProvider>
      <AuditBadge status={status} full={full} />
    </RouterProvider>,
  ).container.textContent;

describe("AuditBadge", () => {
  it("says 'Audited by … until …' only for a current Pass by a trusted auditor", () => {
    expect(show({ status: "audited", auditor: AUDITOR, validUntil: UNTIL, uid: UID })).toBe(
      "Audited by 0xbDA5…197E until 2027-01-05",
    );
  });

  it("never says 'audited' for an auditor the viewer does not trust, and points to the settings", () => {
    const text = show({ status: "unverified", auditors: [AUDITOR] }, true);
    expect(text).toMatch(/^Unverified audit by 0xbDA5…197E: not among your trusted auditors/);
    expect(text).not.toMatch(/Audited/);
    expect(screen.getByRole("link", { name: "Settings" }).getAttribute("href")).toBe("/settings");
  });

  it("says an expired, revoked or failed audit as such", () => {
    expect(show({ status: "expired", auditor: AUDITOR, validUntil: UNTIL, uid: UID })).toBe(
      "Audit by 0xbDA5…197E expired 2027-01-05",
    );
    expect(show({ status: "revoked", auditor: AUDITOR, revokedAt: UNTIL, uid: UID })).toBe(
      "Audit by 0xbDA5…197E revoked 2027-01-05",
    );
    expect(show({ status: "failed", auditor: AUDITOR, validUntil: UNTIL, uid: UID })).toBe(
      "Failed audit by 0xbDA5…197E",
    );
  });

  it("shows nothing for an offer nobody audited, except on the rent page", () => {
    expect(show({ status: "none" })).toBe("");
    expect(show({ status: "none" }, true)).toBe("No hardware audit.");
  });
});
