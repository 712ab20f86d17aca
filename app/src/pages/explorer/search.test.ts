import { describe, expect, it } from "vitest";
import { classifySearch, searchDestination, searchUrl } from "./search.ts";

describe("search classification", () => {
  it("takes a number as a lease id", () => {
    expect(classifySearch(" 42 ")).toEqual({ kind: "lease", id: "42" });
    expect(classifySearch("#007")).toEqual({ kind: "lease", id: "7" });
    expect(searchDestination(classifySearch("42"))).toBe("/explorer/leases/42");
  });
  it("takes 40 hex digits as an address (lowercased)", () => {
    const a = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";
    expect(classifySearch(a)).toEqual({ kind: "address", address: a.toLowerCase() });
    expect(searchDestination(classifySearch(a))).toBe(`/explorer/address/${a.toLowerCase()}`);
  });
  it("takes 64 hex digits as a transaction hash, shown on the search page", () => {
    const h = `0x${"Ab".repeat(32)}`;
    expect(classifySearch(h)).toEqual({ kind: "tx", hash: h.toLowerCase() });
    expect(searchDestination(classifySearch(h))).toBeUndefined();
  });
  it("refuses anything else", () => {
    expect(classifySearch("")).toEqual({ kind: "empty" });
    expect(classifySearch("0x123").kind).toBe("invalid");
    expect(classifySearch("H100").kind).toBe("invalid");
    expect(classifySearch(`0x${"g".repeat(40)}`).kind).toBe("invalid");
    expect(searchUrl(" a b ")).toBe("/explorer/search?q=a%20b");
  });
});
