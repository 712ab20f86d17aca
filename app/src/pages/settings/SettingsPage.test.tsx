import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider } from "../../lib/router.tsx";
import { savedAuditors } from "../../lib/trustedAuditors.ts";
import SettingsPage from "./SettingsPage.tsx";

const PUBLISHED = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E";
const OTHER = "0xdD2FD4581271e230360230F9337D5c0430Bf44C0";

vi.mock("../../hooks/useGridlease.ts", () => ({ useGridlease: () => ({ chainId: 31337 }) }));

afterEach(() => window.localStorage.clear());

const renderPage = () =>
  render(
    <RouterProvider>
      <SettingsPage params={{}} />
    </RouterProvider>,
  );

describe("SettingsPage", () => {
  it("starts from the market's published auditors and saves a list of the viewer's own", async () => {
    renderPage();
    expect(screen.getByText(/You use the market's published list\./)).toBeDefined();
    const list = screen.getByLabelText(/Trusted auditor addresses/);
    expect(list).toHaveProperty("value", PUBLISHED);
    await userEvent.clear(list);
    await userEvent.type(list, `${OTHER.toLowerCase()}, ${PUBLISHED}`);
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByRole("status").textContent).toBe("Saved: 2 trusted auditors.");
    expect(screen.getByText(/You use your own list/)).toBeDefined();
    expect(savedAuditors(31337)).toEqual([OTHER, PUBLISHED]);

    await userEvent.click(screen.getByRole("button", { name: "Use the published list" }));
    expect(savedAuditors(31337)).toBeUndefined();
    expect(screen.getByLabelText(/Trusted auditor addresses/)).toHaveProperty("value", PUBLISHED);
  });

  it("names a bad entry and an empty list, and saves nothing", async () => {
    renderPage();
    const list = screen.getByLabelText(/Trusted auditor addresses/);
    await userEvent.clear(list);
    await userEvent.type(list, `${OTHER} 0xnope`);
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByRole("alert").textContent).toBe('"0xnope" is not a 0x address.');
    expect(list.getAttribute("aria-invalid")).toBe("true");
    await userEvent.clear(list);
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByRole("alert").textContent).toBe("The auditor list is empty.");
    expect(window.localStorage.length).toBe(0);
    expect(savedAuditors(31337)).toBeUndefined();
  });
});
