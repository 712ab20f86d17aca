import { describe, expect, it } from "vitest";
import { parseOfferSpec, parseProviderMeta, readDataUri, toDataUri } from "./spec.ts";
import { matchPath } from "./router.tsx";

describe("offer spec and provider metadata documents", () => {
  const spec = {
    schema: "gridlease.spec/v1",
    gpu: { model: "H100-SXM-80GB", name: "NVIDIA H100 SXM 80GB", memoryGB: 80, count: 8 },
    server: {
      cpu: { model: "AMD EPYC 9454", sockets: 2, cores: 48 },
      ramGB: 2048,
      nvme: { totalTB: 30.72 },
    },
    interconnect: { fabric: "InfiniBand NDR", gbpsPerGpu: 400, rdma: true },
    site: { region: "AU-QLD", location: "Brisbane, Australia", datacenter: "BNE1" },
  };

  it("reads what a buyer compares from an inline spec", () => {
    expect(parseOfferSpec(toDataUri(spec))).toMatchObject({
      interconnect: "InfiniBand NDR · 400 Gb/s per GPU",
      cpu: "AMD EPYC 9454",
      cpuCores: 96,
      ramGB: 2048,
      nvmeTB: 30.72,
      location: "Brisbane, Australia",
      datacenter: "BNE1",
    });
  });

  it("gives nothing, without throwing, for malformed or remote documents", () => {
    expect(parseOfferSpec("data:application/json,%7Bnot json")).toEqual({});
    expect(parseOfferSpec("ipfs://bafy")).toEqual({});
    expect(readDataUri("https://example.com/spec.json")).toBeUndefined();
    expect(
      parseOfferSpec(toDataUri({ server: { ramGB: "lots" }, interconnect: 42 })),
    ).toMatchObject({
      ramGB: undefined,
      interconnect: undefined,
    });
  });

  it("reads base64 documents and provider names", () => {
    const b64 = `data:application/json;base64,${btoa(JSON.stringify({ name: "Kanto Research Cloud", website: "https://kanto.example" }))}`;
    expect(parseProviderMeta(b64)).toEqual({
      name: "Kanto Research Cloud",
      website: "https://kanto.example",
      contact: undefined,
    });
  });
});

describe("matchPath", () => {
  it("extracts params and rejects other shapes", () => {
    expect(matchPath("/explorer/leases/:leaseId", "/explorer/leases/42")).toEqual({
      leaseId: "42",
    });
    expect(matchPath("/explorer/leases/:leaseId", "/explorer/leases")).toBeNull();
    expect(matchPath("/offers/:offerId", "/leases/1")).toBeNull();
    expect(matchPath("/", "/")).toEqual({});
  });
});
