import { beforeAll, describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createTestGpu, type TestGpu } from "@gridlease/sdk/attestation/testing";
import { RouterProvider } from "../../lib/router.tsx";
import { AttestationRootsContext, type AttestationRoots } from "../../lib/attestation.ts";
import { lastVerifyRecord } from "../../lib/verifyRecord.ts";
import VerifyPage from "./VerifyPage.tsx";

let gpu: TestGpu;
beforeAll(async () => {
  gpu = await createTestGpu();
});

function renderPage(roots?: AttestationRoots) {
  window.history.replaceState(null, "", "/verify?lease=7");
  return render(
    <AttestationRootsContext.Provider value={roots}>
      <RouterProvider>
        <VerifyPage params={{}} />
      </RouterProvider>
    </AttestationRootsContext.Provider>,
  );
}

/** The nonce the page generated (shown to the buyer, and in the command to run). */
const pageNonce = () => screen.getByText(/^0x[0-9a-f]{64}$/).textContent as `0x${string}`;

describe("VerifyPage", () => {
  it("shows a fresh nonce in the command to run on the host, and the CLI alternative for the lease", () => {
    renderPage();
    const nonce = pageNonce();
    expect(screen.getByText(`gridlease-attest --nonce ${nonce.slice(2)}`)).toBeTruthy();
    expect(screen.getByText("gridlease lease verify 7 --attest")).toBeTruthy();
  });

  it("verifies the host's answer to the page's nonce and shows what was checked", async () => {
    const user = userEvent.setup();
    renderPage(gpu.roots);
    fireEvent.change(screen.getByLabelText("Output of gridlease-attest"), {
      target: { value: `[${gpu.bundleJson(pageNonce())}]` },
    });
    await user.click(screen.getByRole("button", { name: "Verify" }));
    const verdict = await screen.findByRole("region", { name: "Verdict" }, { timeout: 10_000 });
    expect(within(verdict).getByRole("status").textContent).toMatch(/GH100 \(Hopper\)/);
    const checks = within(verdict)
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(checks).toEqual([
      expect.stringMatching(
        /^Certificate chain: Passed\. .*test root given to this page, not to NVIDIA's/,
      ),
      expect.stringMatching(/^Report signature: Passed\./),
      expect.stringMatching(/^Nonce: Passed\. The report answers the nonce this page generated/),
      expect.stringMatching(/^GPU: Passed\. GH100 \(Hopper\)/),
      expect.stringMatching(
        /^Firmware: Not checked\. Not compared: no Reference Integrity Manifest/,
      ),
      expect.stringMatching(/^Revocation: Not checked/),
    ]);
    const json = JSON.parse(within(verdict).getByTestId("verdict-json").textContent ?? "") as {
      genuine: boolean;
    };
    expect(json.genuine).toBe(true);
    expect(within(verdict).getByRole("table", { hidden: true })).toBeTruthy();
  });

  it("names the failure when the report answers another nonce than the page's", async () => {
    const user = userEvent.setup();
    renderPage(gpu.roots);
    fireEvent.change(screen.getByLabelText("Output of gridlease-attest"), {
      target: { value: gpu.bundleJson(`0x${"00".repeat(32)}`) },
    });
    await user.click(screen.getByRole("button", { name: "Verify" }));
    const verdict = await screen.findByRole("region", { name: "Verdict" }, { timeout: 10_000 });
    expect(within(verdict).getByRole("status").textContent).toMatch(/^Not verified/);
    expect(within(verdict).getByText("(NonceMismatch)")).toBeTruthy();
  });

  it("remembers the run for the lease's review: verified only when every GPU is genuine, with the report hash", async () => {
    const user = userEvent.setup();
    window.localStorage.clear();
    renderPage(gpu.roots);
    fireEvent.change(screen.getByLabelText("Output of gridlease-attest"), {
      target: { value: `[${gpu.bundleJson(pageNonce())}]` },
    });
    await user.click(screen.getByRole("button", { name: "Verify" }));
    const verdict = await screen.findByRole("region", { name: "Verdict" }, { timeout: 10_000 });
    const json = JSON.parse(within(verdict).getByTestId("verdict-json").textContent ?? "") as {
      reportHash: string;
    };
    expect(lastVerifyRecord(7n)).toMatchObject({ verified: true, reportHash: json.reportHash });
    expect(screen.getByText(/Saved for the review of lease #7: “verified” is ticked/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Output of gridlease-attest"), {
      target: { value: gpu.bundleJson(`0x${"00".repeat(32)}`) },
    });
    await user.click(screen.getByRole("button", { name: "Verify" }));
    await screen.findByText(/“verified” is not ticked/, undefined, { timeout: 10_000 });
    expect(lastVerifyRecord(7n)?.verified).toBe(false);
  });

  it("says why malformed input cannot be verified, without a verdict", async () => {
    const user = userEvent.setup();
    renderPage(gpu.roots);
    await user.click(screen.getByLabelText("A report (hex) and its certificate chain (PEM)"));
    fireEvent.change(screen.getByLabelText("Attestation report (hex)"), {
      target: { value: "0xnothex" },
    });
    fireEvent.change(screen.getByLabelText("Certificate chain (PEM, leaf first)"), {
      target: { value: gpu.certChainPem },
    });
    await user.click(screen.getByRole("button", { name: "Verify" }));
    const alert = await screen.findByRole("alert", {}, { timeout: 10_000 });
    expect(alert.textContent).toMatch(/This input cannot be verified.*The report is not hex/);
    expect(screen.queryByRole("region", { name: "Verdict" })).toBeNull();
  });
});
