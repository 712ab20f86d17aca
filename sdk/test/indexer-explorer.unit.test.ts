/**
 * The explorer's paged reads with an injected fetch: the URL each call builds, and how the indexer's answers
 * (a page, a 400 with its message, an HTTP error without JSON, no answer) come back.
 * (test/indexer/explorer-api.test.ts runs the routes themselves against a real Ponder.)
 */
import { describe, expect, it } from "vitest";
import {
  countLeases,
  createIndexerClient,
  IndexerError,
  pageAccounts,
  pageLeases,
  pageOffers,
  pageProviders,
} from "@gridlease/sdk/indexer";

/** A client whose fetch answers with `respond` and records each URL it was asked for. */
function fakeClient(respond: (url: URL) => Response | Promise<Response>) {
  const urls: URL[] = [];
  const client = createIndexerClient({
    url: "http://indexer.test/",
    fetch: async (input, init) => {
      expect(init?.method).toBe("GET");
      const url = new URL(String(input));
      urls.push(url);
      return respond(url);
    },
  });
  return { client, urls };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

const EMPTY = { items: [], next: null };
const ADDRESS = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

describe("the explorer's URLs", () => {
  it("pageLeases sends every filter, the order, the limit and the cursor, and leaves out the unset ones", async () => {
    const { client, urls } = fakeClient(() => json(EMPTY));
    await pageLeases(client, {
      gpuModel: "H100-SXM-80GB",
      region: "AU-QLD",
      status: "ActivationOverdue",
      endReason: "Expired",
      address: "0x7099",
      buyer: ADDRESS,
      provider: undefined,
      offerId: 12n,
      now: 1_900_000_000,
      order: "oldest",
      limit: 25,
      after: "abc",
    });
    expect(urls[0]!.pathname).toBe("/explorer/leases");
    expect(Object.fromEntries(urls[0]!.searchParams)).toEqual({
      gpuModel: "H100-SXM-80GB",
      region: "AU-QLD",
      status: "ActivationOverdue",
      endReason: "Expired",
      address: "0x7099",
      buyer: ADDRESS,
      offer: "12",
      now: "1900000000",
      order: "oldest",
      limit: "25",
      after: "abc",
    });
  });

  it("a first page sends no cursor, and an empty filter no query string", async () => {
    const { client, urls } = fakeClient(() => json(EMPTY));
    await pageLeases(client, { after: null, gpuModel: "" });
    expect(urls[0]!.href).toBe("http://indexer.test/explorer/leases");
  });

  it("countLeases asks /explorer/leases/total with the filter only", async () => {
    const { client, urls } = fakeClient(() => json({ total: 7, exact: true }));
    expect(await countLeases(client, { status: "Active", provider: ADDRESS })).toEqual({
      total: 7,
      exact: true,
    });
    expect(urls[0]!.pathname).toBe("/explorer/leases/total");
    expect(Object.fromEntries(urls[0]!.searchParams)).toEqual({
      status: "Active",
      provider: ADDRESS,
    });
  });

  it("pageOffers, pageProviders and pageAccounts ask their routes", async () => {
    const { client, urls } = fakeClient(() => json(EMPTY));
    await pageOffers(client, {
      gpuModel: "B200-192GB",
      provider: ADDRESS,
      order: "priceDesc",
      limit: 10,
    });
    await pageProviders(client, { order: "availability", after: "c1" });
    await pageAccounts(client, { order: "gpuHours" });
    expect(urls.map((u) => `${u.pathname}?${u.searchParams}`)).toEqual([
      `/explorer/offers?gpuModel=B200-192GB&provider=${ADDRESS}&order=priceDesc&limit=10`,
      "/explorer/providers?order=availability&after=c1",
      "/explorer/accounts?order=gpuHours",
    ]);
  });
});

describe("the explorer's answers", () => {
  it("returns the page as the indexer sent it", async () => {
    const page = { items: [{ id: "9" }, { id: "8" }], next: "cursor-8" };
    const { client } = fakeClient(() => json(page));
    expect(await pageLeases(client, { limit: 2 })).toEqual(page);
  });

  it("a 400 becomes a query IndexerError with the server's words", async () => {
    const { client } = fakeClient(() =>
      json(
        {
          error:
            '"status" must be one of Pending, ActivationOverdue, Active, Expired, Ended; got "Running"',
        },
        400,
      ),
    );
    const err = await pageLeases(client, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexerError);
    expect(err).toMatchObject({ kind: "query", status: 400 });
    expect((err as IndexerError).message).toContain('"status" must be one of Pending');
  });

  it("an HTTP error without JSON becomes an http IndexerError (a 404: an indexer without the routes)", async () => {
    const { client } = fakeClient(() => new Response("Not Found", { status: 404 }));
    const err = await pageProviders(client, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "http", status: 404 });
    expect((err as IndexerError).message).toContain("older version without this route");
  });

  it("a 500 with JSON but no error field is an http IndexerError", async () => {
    const { client } = fakeClient(() => json({}, 500));
    await expect(pageAccounts(client, {})).rejects.toMatchObject({ kind: "http", status: 500 });
  });

  it("no answer is an unreachable IndexerError", async () => {
    const { client } = fakeClient(() => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    });
    await expect(countLeases(client, {})).rejects.toMatchObject({ kind: "unreachable" });
  });

  it("the caller's abort is rethrown as it is", async () => {
    const controller = new AbortController();
    const { client } = fakeClient(() => {
      controller.abort();
      throw controller.signal.reason;
    });
    const err = await pageOffers(client, {}, { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(err).not.toBeInstanceOf(IndexerError);
    expect((err as Error).name).toBe("AbortError");
  });
});
