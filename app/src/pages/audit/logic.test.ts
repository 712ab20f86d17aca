import { describe, expect, it } from "vitest";
import { hardwareReportHash, parseHardwareReport } from "@gridlease/sdk";
import { defaultValidUntil, parseReportInput, parseValidUntil } from "./logic.ts";

const HASH = `0x${"Ab".repeat(32)}`;
const REPORT = {
  schema: "gridlease/hardware-report/v1",
  label: "provider-reported inventory",
  driver: { version: "550.54", cuda: "12.4" },
  gpus: [
    {
      pciBusId: "00000000:18:00.0",
      productName: "NVIDIA H100 80GB HBM3",
      architecture: "Hopper",
      memoryMiB: 81559,
      uuid: "GPU-1",
      serial: "1",
      vbiosVersion: "96.00",
      minorNumber: 0,
    },
  ],
  topology: [["X"]],
  cpu: { model: "EPYC", sockets: 2, threads: 128 },
  memoryKiB: 1000,
  disks: [],
  nics: [],
};

describe("parseReportInput", () => {
  it("takes a 32-byte hash as it is (lowercased)", () => {
    expect(parseReportInput(` ${HASH} `)).toEqual({
      ok: true,
      hash: HASH.toLowerCase(),
      source: "the hash you gave",
    });
  });

  it("hashes a hardware report with the SDK's canonical hash", () => {
    const r = parseReportInput(JSON.stringify(REPORT));
    expect(r).toMatchObject({ ok: true, source: "the hardware report (hashed here)" });
    expect(r.ok && r.hash).toBe(hardwareReportHash(parseHardwareReport(REPORT)));
    expect(r.ok && r.suggested).toBeUndefined();
  });

  it("reads the hash of a verify run and suggests Fail when it found differences", () => {
    const run = { leaseId: "7", match: false, verdict: { reportHash: HASH, match: false } };
    expect(parseReportInput(JSON.stringify(run))).toMatchObject({
      ok: true,
      hash: HASH.toLowerCase(),
      suggested: 2,
    });
    expect(parseReportInput(JSON.stringify({ reportHash: HASH, match: true }))).toMatchObject({
      ok: true,
      suggested: 1,
    });
  });

  it.each([
    ["", /Paste the hardware report hash/],
    ["0x1234", /64 hexadecimal digits/],
    ["not json", /neither a 32-byte hash nor JSON/],
    ["[1,2]", /not a hardware report nor a verify report/],
    [
      JSON.stringify({ schema: "other" }),
      /not a hardware report nor a verify report: the hardware report is not/,
    ],
    [
      JSON.stringify({ match: true, verdict: { reportHash: "0x12" } }),
      /reportHash is not a 32-byte/,
    ],
  ])("refuses %j in words", (text, message) => {
    const r = parseReportInput(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(message);
  });
});

describe("parseValidUntil", () => {
  const now = BigInt(Date.UTC(2026, 11, 7) / 1000);

  it("is the last second of the day given, in UTC", () => {
    expect(parseValidUntil("2027-01-31", now)).toEqual({
      ok: true,
      seconds: BigInt(Date.UTC(2027, 0, 31) / 1000) + 86_399n,
    });
  });

  it.each(["", "2027-02-30", "31/01/2027", "2026-12-06"])("refuses %j", (date) => {
    expect(parseValidUntil(date, now).ok).toBe(false);
  });

  it("defaults to 90 days ahead", () => {
    expect(defaultValidUntil(now)).toBe("2027-03-07");
  });
});
