import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Notification } from "@gridlease/sdk/notifications";

const ACCOUNT = "0xcd3B766CCDd6AE721141F452C550Ca635964ce71";
const items: Notification[] = [
  {
    kind: "top-up-executed",
    leaseId: 7n,
    key: "top-up-executed:7:100",
    severity: "info",
    at: 100n,
    message: "Lease #7 was topped up by 1 day for $403.20.",
  },
  {
    kind: "runway-low",
    leaseId: 8n,
    key: "runway-low:8:200",
    severity: "warning",
    at: 200n,
    message: "Lease #8 is funded for only 2 hours more.",
  },
];
const state = vi.hoisted(() => ({ items: [] as Notification[] }));

vi.mock("../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ account: ACCOUNT, chainId: 31337 }),
}));
vi.mock("../hooks/useChainNow.ts", () => ({ useChainNow: () => ({ now: 1n, refresh: () => {} }) }));
vi.mock("../hooks/useNotifications.ts", () => ({
  useNotifications: () => ({ data: state.items, isPending: false, isError: false }),
}));

const { default: NotificationBell } = await import("./Notifications.tsx");
const { RouterProvider } = await import("../lib/router.tsx");

beforeEach(() => {
  localStorage.clear();
  state.items = items;
});

describe("NotificationBell", () => {
  it("badges the unseen notifications, lists them when opened, and counts them as seen after", async () => {
    const { unmount } = render(
      <RouterProvider>
        <NotificationBell />
      </RouterProvider>,
    );
    expect(screen.getByTestId("notification-badge").textContent).toBe("2");
    await userEvent.click(screen.getByRole("button", { name: "Notifications: 2 new" }));
    const list = screen.getByRole("region", { name: "Notifications" });
    expect(list.textContent).toContain("Top-up executed");
    expect(list.textContent).toContain("Lease #7 was topped up by 1 day");
    expect(list.textContent).toContain("Runway low");
    expect(screen.queryByTestId("notification-badge")).toBeNull();
    unmount();

    // Seen in this browser: after a reload only a new condition is counted.
    state.items = [
      ...items,
      { ...items[1], key: "runway-low:8:300", at: 300n, message: "Lease #8: 1 hour left." },
    ];
    render(
      <RouterProvider>
        <NotificationBell />
      </RouterProvider>,
    );
    expect(screen.getByTestId("notification-badge").textContent).toBe("1");
  });

  it("says so when nothing needs attention, with no badge", async () => {
    state.items = [];
    render(
      <RouterProvider>
        <NotificationBell />
      </RouterProvider>,
    );
    expect(screen.queryByTestId("notification-badge")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Notifications" }));
    expect(screen.getByText("Nothing needs your attention.")).toBeDefined();
  });
});
