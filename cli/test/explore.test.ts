/**
 * The indexer-backed commands (`market search`, `explore lease|leases|address|prices`) against a real stack: a
 * `hardhat node` on a spare port with the indexer parity scenario (every lease end reason) plus a second H100
 * offer, Ponder indexing it, and the `gridlease` command run as a child process. Every answer is checked against
 * the chain (getLease, receipts) or Ponder's GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, getContract, maxUint256, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { endReasonName, getLease, gridleaseMarketAbi } from "@gridlease/sdk";
import { decodeGpuModel, decodeRegion, encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import {
  runScenario,
  scenarioContext,
  type ScenarioResult,
} from "../../scripts/indexer/scenario.ts";
import { USD } from "../../scripts/lib/fixture.ts";
import {
  graphql,
  portBase,
  sparePort,
  startChain,
  startPonder,
  waitForIndexed,
  type Chain,
  type PonderProcess,
} from "../../test/indexer/support/ponder.ts";
import { BUYER_KEY, cli, PROVIDER_KEY, type CliResult } from "./support.ts";

let chain: Chain;
let connection: NetworkConnection;
let scenario: ScenarioResult;
let ponder: PonderProcess | undefined;
/** The id of the cheaper H100 offer this file adds after the scenario. */
let cheap: string;
const provider = privateKeyToAccount(PROVIDER_KEY).address;
const buyer = privateKeyToAccount(BUYER_KEY).address;

beforeAll(async () => {
  chain = await startChain(await sparePort(portBase(9000, 0)));
  connection = await network.create({ network: "localhost", override: { url: chain.url } });
  scenario = await runScenario(connection);
  // A second, cheaper H100 offer from the scenario's second provider (after the scenario's reserved offers).
  const ctx = await scenarioContext(
    connection,
    (await (await connection.viem.getPublicClient()).getBlock()).timestamp,
  );
  const market = getContract({
    address: scenario.market,
    abi: gridleaseMarketAbi,
    client: { public: await ctx.viem.getPublicClient(), wallet: ctx.wallets[5]! },
  });
  await ctx.send(() =>
    market.write.createOffer([
      {
        gpuModel: encodeGpuModel("H100-SXM-80GB"),
        gpusPerUnit: 4n,
        totalUnits: 2n,
        region: encodeRegion("US-CA"),
        paymentToken: scenario.usd,
        pricePerGpuHour: USD("1.5"),
        minDuration: 3600n,
        maxDuration: 86_400n,
        repairWindow: 3600n,
        minProviderBond: USD("1000"), // in the offer's token
        buyerPolicy: "0x0000000000000000000000000000000000000000",
        specHash: `0x${"44".repeat(32)}` as Hex,
        specURI: "ipfs://spec/h100-4",
      },
    ]),
  );
  cheap = String(await market.read.offerCount());
  const last = await (await connection.viem.getPublicClient()).getBlockNumber();
  ponder = await startPonder({ rpcUrl: chain.url, port: await sparePort(portBase(43000, 100)) });
  await waitForIndexed(ponder, Number(last));
}, 300_000);

afterAll(async () => {
  await ponder?.destroy();
  await chain?.stop();
}, 60_000);

const run = (args: string[], indexerUrl = ponder!.url) =>
  cli([...args, "--rpc-url", chain.url, "--indexer-url", indexerUrl]);
const ok = <T extends { code: number | null; stderr: string; stdout: string }>(r: T): T => {
  expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
  return r;
};

describe("market search", () => {
  it("lists only open H100 offers, cheapest first, with the provider's track record", async () => {
    const r = ok(await run(["market", "search", "--gpu", "H100", "--json"]));
    expect(r.json.offers.map((o: any) => o.offerId)).toEqual([cheap, "1"]);
    for (const o of r.json.offers) expect(o.gpuModel).toMatch(/^H100-/);
    const prices = r.json.offers.map((o: any) => Number(o.price));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(r.json.offers[0]).toMatchObject({
      price: "1.5",
      gpusPerUnit: "4",
      serversAvailable: "2",
      region: "US-CA",
      paymentToken: { symbol: "tUSD", decimals: 6 },
    });
    const gql = await graphql(
      ponder!.url,
      `
        {
          offer(id: "1") {
            totalUnits
            unitsInUse
            attestation {
              reportHash
            }
            provider {
              leasesServed
              noShows
            }
          }
        }
      `,
    );
    const one = r.json.offers[1];
    expect(one.serversAvailable).toBe(
      String(BigInt(gql.data.offer.totalUnits) - BigInt(gql.data.offer.unitsInUse)),
    );
    expect(one.provider).toMatchObject({
      address: provider,
      leasesServed: gql.data.offer.provider.leasesServed,
      noShows: gql.data.offer.provider.noShows,
    });
    expect(one.provider.noShows).toBe(1);
    // The scenario's test-PKI claim on offer #1, as indexed (not verified: `attest verify --offer` does that).
    expect(scenario.attestation.offerId).toBe(1n);
    expect(one.attestation).toEqual({
      generation: "hopper",
      reportHash: gql.data.offer.attestation.reportHash,
      publishedAt: expect.stringMatching(/^\d+$/),
    });
    expect(r.json.offers[0].attestation).toBeNull();

    const human = ok(await run(["market", "search", "--gpu", "h100"]));
    expect(human.stdout).toContain("H100-SXM-80GB");
    expect(human.stdout).not.toContain("B200");
    expect(human.stdout.indexOf(`#${cheap}`)).toBeLessThan(human.stdout.indexOf("#1"));
    expect(human.stdout).toContain("$1.50");
    expect(human.stdout).toMatch(/2 open offers/);
    expect(human.stdout).toMatch(
      /^#1: attestation claim \(unverified; run gridlease attest verify --offer 1\): Hopper, published /m,
    );
    expect(human.stdout).not.toContain(`#${cheap}: attestation`);
    expect(human.stdout).not.toMatch(/\battested\b/i);
  });

  it("filters by region, price, GPUs and token, and sorts", async () => {
    const ids = async (args: string[]) =>
      ok(await run(["market", "search", ...args, "--json"])).json.offers.map((o: any) => o.offerId);
    expect(await ids(["--region", "AU-QLD"])).toEqual(["1"]);
    expect(await ids(["--max-price", "1.6"])).toEqual([cheap]);
    // The reserved offers (#12): B200 in JP-27 and H200 in SG, 8 GPUs a server, in tUSD.
    const { exitFee, notice } = scenario.reserved.offers;
    expect(await ids(["--min-gpus", "8", "--sort", "region"])).toEqual([
      "1",
      String(exitFee),
      String(notice),
      "3",
    ]);
    // GRID is no longer a payment token and the H200 offer is paused: nothing open in GRID.
    expect(await ids(["--token", "GRID"])).toEqual([]);
    // B200 #3 and the free exit-fee offer have 64 GPUs each: the cheaper first.
    expect(await ids(["--token", "tUSD", "--sort", "gpus"])).toEqual([
      "1",
      String(exitFee),
      "3",
      String(notice),
      cheap,
    ]);
    const bad = await run(["market", "search", "--sort", "cheap"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sort must be one of/);
  });
});

describe("explore lease", () => {
  it("shows each lease as the chain has it: end reason, settlement and real transactions", async () => {
    const client = await connection.viem.getPublicClient();
    for (const id of [
      scenario.leases.expired,
      scenario.leases.providerTerminated,
      scenario.leases.noShow,
    ]) {
      const r = ok(await run(["explore", "lease", String(id), "--json"]));
      const view = await getLease(client as never, { market: scenario.market, leaseId: id! });
      expect(r.json.leaseId).toBe(String(id));
      expect(r.json.buyer).toBe(getAddress(view.buyer));
      expect(r.json.provider).toBe(getAddress(view.provider));
      expect(r.json.status).toBe("Ended");
      expect(r.json.endReason).toBe(endReasonName(view.endReason));
      expect(r.json.settlement.accrued).toBe(String(view.accrued));
      expect(BigInt(r.json.settlement.paidToProvider) + BigInt(r.json.settlement.fee)).toBe(
        view.settled,
      );
      expect(r.json.events[0].type).toBe("Opened");
      expect(r.json.events.at(-1).type).not.toBe("Opened");
      for (const e of r.json.events) {
        const receipt = await client.getTransactionReceipt({ hash: e.txHash as Hex });
        expect(receipt.blockNumber).toBe(BigInt(e.blockNumber));
      }
    }
    const noShow = ok(await run(["explore", "lease", String(scenario.leases.noShow), "--json"]));
    expect(BigInt(noShow.json.settlement.refunded)).toBe(BigInt(noShow.json.settlement.deposit));
    expect(BigInt(noShow.json.settlement.penalty)).toBeGreaterThan(0n);

    const human = ok(await run(["explore", "lease", String(scenario.leases.providerTerminated)]));
    expect(human.stdout).toContain("ProviderTerminated: Ended early by the provider");
    expect(human.stdout).toMatch(/paid to provider\s+\d[\d,.]* GRID/);
    expect(human.stdout).toContain("Timeline:");
    expect(human.stdout).toMatch(/Activated\s+0x[0-9a-f]{64}/);
  });

  it("says so, with exit 7, for a lease the indexer does not know; exit 2 for a bad id", async () => {
    const r = await run(["explore", "lease", "999", "--json"]);
    expect(r.code).toBe(7);
    expect(r.json.error.message).toMatch(/no lease #999/);
    expect((await run(["explore", "lease", "seven"])).code).toBe(2);
    expect((await run(["explore", "lease"])).code).toBe(2);
  });
});

describe("explore address", () => {
  it("shows a provider's and a buyer's activity as the indexer has it", async () => {
    const gql = await graphql(
      ponder!.url,
      `
        query ($p: String!, $b: String!) {
          provider(id: $p) {
            leasesServed
            noShows
            leaseCount
            offerCount
          }
          account(id: $b) {
            leaseCount
          }
        }
      `,
      { p: provider.toLowerCase(), b: buyer.toLowerCase() },
    );
    const p = ok(await run(["explore", "address", provider, "--json"]));
    expect(p.json.provider).toMatchObject({
      leasesServed: gql.data.provider.leasesServed,
      noShows: gql.data.provider.noShows,
      leaseCount: gql.data.provider.leaseCount,
    });
    expect(p.json.provider.offers.map((o: any) => o.offerId)).toEqual([
      "1",
      "2",
      String(scenario.reserved.offers.exitFee),
    ]);
    expect(p.json.provider.offers[0].attestation).toMatchObject({ generation: "hopper" });
    expect(p.json.provider.offers[1].attestation).toBeNull();
    expect(p.json.provider.earnings.length).toBeGreaterThan(0);
    expect(p.json.buyer).toBeNull();
    const b = ok(await run(["explore", "address", buyer.toLowerCase(), "--json"]));
    expect(b.json.provider).toBeNull();
    expect(b.json.buyer.leaseCount).toBe(gql.data.account.leaseCount);
    expect(b.json.buyer.spending[0].paymentToken.symbol).toMatch(/tUSD|GRID/);

    const human = ok(await run(["explore", "address", provider]));
    expect(human.stdout).toContain("As a provider:");
    expect(human.stdout).toMatch(/no-shows\s+1/);
    expect(human.stdout).toContain("No leases as a buyer.");
    expect(human.stdout).toContain(
      "#1: attestation claim (unverified; run gridlease attest verify --offer 1)",
    );
    expect(human.stdout).not.toMatch(/\battested\b/i);
  });

  it("pages an address's leases on each side, with the totals", async () => {
    const leases = await chainLeases();
    const served = leases
      .filter((l) => l.provider === provider)
      .map((l) => l.id)
      .reverse();
    const r = ok(await run(["explore", "address", provider, "--limit", "2", "--json"]));
    expect(r.json.provider.leases).toMatchObject({ total: served.length, exact: true });
    expect(r.json.provider.leases.leases.map((l: any) => l.leaseId)).toEqual(served.slice(0, 2));
    const ids = [...served.slice(0, 2)];
    let after: string | null = r.json.provider.leases.next;
    while (after) {
      const page = ok(
        await run([
          "explore",
          "address",
          provider,
          "--list",
          "served",
          "--limit",
          "2",
          "--after",
          after,
          "--json",
        ]),
      );
      expect(page.json).toMatchObject({ address: provider, list: "served", total: served.length });
      ids.push(...page.json.leases.map((l: any) => l.leaseId));
      after = page.json.next;
    }
    expect(ids).toEqual(served);

    const bought = leases
      .filter((l) => l.buyer === buyer)
      .map((l) => l.id)
      .reverse();
    const b = ok(
      await run(["explore", "address", buyer, "--list", "bought", "--limit", "200", "--json"]),
    );
    expect(b.json.leases.map((l: any) => l.leaseId)).toEqual(bought);
    expect(b.json.next).toBeNull();

    const human = ok(await run(["explore", "address", provider, "--limit", "2"]));
    expect(human.stdout).toContain(`Latest leases on its offers (2 of ${served.length} leases):`);
    expect(human.stdout).toMatch(
      new RegExp(`more: gridlease explore address ${provider} --list served --after \\S+`),
    );
    const bad = await run(["explore", "address", provider, "--after", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--after pages one list/);
    expect((await run(["explore", "address", provider, "--list", "sold"])).code).toBe(2);
  });

  it("exit 7 for an address without activity, exit 2 for a malformed one", async () => {
    const none = await run(["explore", "address", "0x000000000000000000000000000000000000dEaD"]);
    expect(none.code).toBe(7);
    expect(none.stderr).toMatch(/no activity/);
    expect((await run(["explore", "address", "0x1234"])).code).toBe(2);
  });
});

/** Every lease on the chain (getLease, getOffer), to check the explorer's pages against. */
async function chainLeases() {
  const client = await connection.viem.getPublicClient();
  const market = getContract({ address: scenario.market, abi: gridleaseMarketAbi, client });
  const now = (await client.getBlock()).timestamp;
  const leases = [];
  for (let id = 1n; id <= (await market.read.leaseCount()); id++) {
    const v = await market.read.getLease([id]);
    const o = await market.read.getOffer([v.offerId]);
    leases.push({
      id: String(id),
      buyer: getAddress(v.buyer),
      provider: getAddress(v.provider),
      gpuModel: decodeGpuModel(o.gpuModel),
      region: decodeRegion(o.region),
      endReason: endReasonName(v.endReason),
      // LeaseStatus: 1 Pending, 2 Active, 3 Expired (active past its end), 4 Ended.
      status: v.status,
      expiredAt: (v.status === 2 || v.status === 3) && v.end <= now,
    });
  }
  return leases;
}

/** The lease ids of every page of `explore leases ARGS`, following each page's cursor. */
async function walkLeases(args: string[], limit: number) {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const r: CliResult = ok(
      await run([
        "explore",
        "leases",
        ...args,
        "--limit",
        String(limit),
        ...(after ? ["--after", after] : []),
        "--json",
      ]),
    );
    expect(r.json.leases.length).toBeLessThanOrEqual(limit);
    ids.push(...r.json.leases.map((l: any) => l.leaseId));
    if (!r.json.next) return { ids, total: r.json.total, exact: r.json.exact };
    after = r.json.next;
  }
  throw new Error("the pages did not end");
}

describe("explore leases", () => {
  it("pages through every lease newest first, and oldest first, with the total", async () => {
    const all = (await chainLeases()).map((l) => l.id);
    const newest = [...all].reverse();
    const first = ok(await run(["explore", "leases", "--json"]));
    expect(first.json).toMatchObject({
      total: all.length,
      exact: true,
      next: null,
      order: "newest",
    });
    expect(first.json.leases.map((l: any) => l.leaseId)).toEqual(newest);
    expect(await walkLeases([], 3)).toEqual({ ids: newest, total: all.length, exact: true });
    expect((await walkLeases(["--order", "oldest"], 4)).ids).toEqual(all);
  });

  it("filters on the server by model, region, status, end reason and address, as the chain has them", async () => {
    const leases = await chainLeases();
    const ids = (pick: (l: (typeof leases)[number]) => boolean) =>
      leases
        .filter(pick)
        .map((l) => l.id)
        .reverse();
    const prefix = provider.slice(0, 8);
    const cases: [string[], string[]][] = [
      [["--gpu", "H100-SXM-80GB"], ids((l) => l.gpuModel === "H100-SXM-80GB")],
      [
        ["--gpu", "B200-192GB", "--region", "US-CA"],
        ids((l) => l.gpuModel === "B200-192GB" && l.region === "US-CA"),
      ],
      [["--status", "Ended"], ids((l) => l.status === 4)],
      [["--status", "Expired"], ids((l) => l.expiredAt)],
      [["--reason", "ProviderTerminated"], ids((l) => l.endReason === "ProviderTerminated")],
      [["--address", buyer], ids((l) => l.buyer === buyer || l.provider === buyer)],
      [
        ["--address", prefix.toUpperCase().replace("0X", "0x"), "--status", "Ended"],
        ids((l) => l.status === 4 && (l.buyer.startsWith(prefix) || l.provider.startsWith(prefix))),
      ],
    ];
    for (const [args, want] of cases) {
      expect(want.length, args.join(" ")).toBeGreaterThan(0);
      const walked = await walkLeases(args, 2);
      expect(walked.ids, args.join(" ")).toEqual(want);
      expect(walked.total, args.join(" ")).toBe(want.length);
    }
    const one = ok(await run(["explore", "leases", "--reason", "OutageUnresolved", "--json"]));
    expect(one.json.leases[0]).toMatchObject({
      leaseId: String(scenario.leases.unresolved),
      status: "Ended",
      endReason: "OutageUnresolved",
      gpuModel: "B200-192GB",
      paymentToken: { symbol: "tUSD", decimals: 6 },
    });
  });

  it("prints a page as a table with the command for the next one", async () => {
    const human = ok(await run(["explore", "leases", "--gpu", "H100-SXM-80GB", "--limit", "2"]));
    const h100 = (await chainLeases()).filter((l) => l.gpuModel === "H100-SXM-80GB").reverse();
    expect(human.stdout).toContain(`${h100.length} leases match.`);
    expect(human.stdout).toMatch(new RegExp(`^#${h100[0]!.id}\\s+\\d+ H100-SXM-80GB`, "m"));
    const next = human.stdout.match(
      /^Next page: gridlease explore leases (--gpu H100-SXM-80GB --limit 2 --after (\S+))$/m,
    );
    expect(next, human.stdout).not.toBeNull();
    const second = ok(await run(["explore", "leases", ...next![1]!.split(" "), "--json"]));
    expect(second.json.leases.map((l: any) => l.leaseId)).toEqual(
      h100.slice(2, 4).map((l) => l.id),
    );
  });

  it("refuses bad filters and cursors with exit 2, naming the flag", async () => {
    for (const [args, message] of [
      [
        ["--status", "Lost"],
        /--status must be one of Pending, ActivationOverdue, Active, Expired, Ended/,
      ],
      [["--reason", "Bored"], /--reason must be one of None, Expired/],
      [["--order", "random"], /--order must be one of newest, oldest/],
      [["--limit", "500"], /--limit must be at most 200/],
      [["--limit", "0"], /--limit must be at least 1/],
      [["--after", "not-a-cursor"], /"after" must be the "next" cursor/],
      [["--address", "0x12"], /"address" must be an address or its start/],
    ] as const) {
      const r = await run(["explore", "leases", ...args]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("explore prices", () => {
  it("gives the daily volume-weighted H100 price and GPU-hours from the daily stats", async () => {
    const r = ok(await run(["explore", "prices", "--gpu", "H100", "--days", "30", "--json"]));
    const gql = await graphql(
      ponder!.url,
      `
        {
          gpuModelDayStats(where: { gpuModel: "H100-SXM-80GB" }, orderBy: "day") {
            items {
              day
              volume
              gpuSecondsLeased
            }
          }
        }
      `,
    );
    const stats = gql.data.gpuModelDayStats.items as any[];
    expect(stats.length).toBeGreaterThan(0);
    expect(r.json.days.map((d: any) => d.day)).toEqual(stats.map((s) => s.day));
    for (const [i, s] of stats.entries()) {
      const d = r.json.days[i];
      expect(d.gpuSecondsLeased).toBe(String(s.gpuSecondsLeased));
      expect(d.pricePerGpuHour).toBe(
        String((BigInt(s.volume) * 3600n) / BigInt(s.gpuSecondsLeased)),
      );
      expect(d.paymentToken.symbol).toBe("tUSD");
    }
    const human = ok(await run(["explore", "prices", "--gpu", "H100"]));
    expect(human.stdout).toMatch(/\d{4}-\d{2}-\d{2}\s+\$\d+\.\d+\s+\d+\.\d{2}/);
    expect((await run(["explore", "prices"])).code).toBe(2);
    expect((await run(["explore", "prices", "--gpu", "H100", "--days", "0"])).code).toBe(2);
  });
});

describe("failures", () => {
  it("exit 4 in plain words when the indexer is down", async () => {
    const down = `http://127.0.0.1:${await sparePort(portBase(43040, 140))}`;
    for (const args of [
      ["market", "search"],
      ["explore", "lease", "1"],
      ["explore", "leases"],
      ["explore", "prices", "--gpu", "H100"],
    ]) {
      const r = await run([...args, "--json"], down);
      expect(r.code).toBe(4);
      expect(r.json.error.kind).toBe("network");
      expect(r.stderr).toMatch(/indexer at .* does not answer/);
    }
  });

  it("on the local chain, defaults to the indexer `npm run dev` starts (127.0.0.1:42069)", async () => {
    const shown = ok(await cli(["config", "show", "--rpc-url", chain.url, "--json"]));
    expect(shown.json.chainId.value).toBe(31337);
    expect(shown.json.indexerUrl).toEqual({ value: "http://127.0.0.1:42069", source: "default" });
    expect(shown.json.market.source).toBe("default");
    // A dev stack may or may not run on 42069 beside the tests (basics.test.ts checks the URL the search picks):
    // either way the search must not ask for an indexer URL.
    const r = await cli(["market", "search", "--gpu", "H100", "--rpc-url", chain.url, "--json"]);
    expect(r.stderr).not.toMatch(/none is set/);
    if (r.code === 4) expect(r.json.error.message).toMatch(/http:\/\/127\.0\.0\.1:42069/);
  });

  it("every command has --help", async () => {
    for (const name of [
      "market search",
      "explore lease",
      "explore leases",
      "explore address",
      "explore prices",
    ]) {
      const r = ok(await cli([...name.split(" "), "--help"]));
      expect(r.stdout).toContain(`Usage: gridlease ${name}`);
    }
  });
});

describe("open offers", () => {
  it("does not list an offer whose provider's free bond cannot cover one more penalty (Market_BondCommitted)", async () => {
    const client = await connection.viem.getPublicClient();
    const ctx = await scenarioContext(connection, (await client.getBlock()).timestamp);
    const provider2 = ctx.wallets[5]!;
    const asProvider = getContract({
      address: scenario.market,
      abi: gridleaseMarketAbi,
      client: { public: await ctx.viem.getPublicClient(), wallet: provider2 },
    });
    const asBuyer = getContract({
      address: scenario.market,
      abi: gridleaseMarketAbi,
      client: { public: await ctx.viem.getPublicClient(), wallet: ctx.wallets[3]! },
    });
    // Bonds are per payment token: the offer is in USD, so its minimum and penalties are in the USD bond.
    const usdBond = () => asProvider.read.bondOf([provider2.account.address, scenario.usd]);
    const { amount: bond, locked: lockedBond } = await usdBond();
    // The free bond as the minimum: one lease reserves half of it (PENALTY_BPS 5000), so two exhaust it.
    const minBond = bond - lockedBond;
    expect(minBond).toBeGreaterThan(0n);
    await ctx.send(() =>
      asProvider.write.createOffer([
        {
          gpuModel: encodeGpuModel("H100-SXM-80GB"),
          gpusPerUnit: 1n,
          totalUnits: 10n,
          region: encodeRegion("EU-DE"),
          paymentToken: scenario.usd,
          pricePerGpuHour: USD("1.1"),
          minDuration: 3600n,
          maxDuration: 86_400n,
          repairWindow: 3600n,
          minProviderBond: minBond,
          buyerPolicy: "0x0000000000000000000000000000000000000000",
          specHash: `0x${"55".repeat(32)}` as Hex,
          specURI: "ipfs://spec/h100-1",
        },
      ]),
    );
    const offerId = await asProvider.read.offerCount();
    const listed = async () => {
      await waitForIndexed(ponder!, Number(await client.getBlockNumber()));
      const r = ok(await run(["market", "search", "--region", "EU-DE", "--json"]));
      return r.json.offers.map((o: any) => o.offerId);
    };
    const before = await usdBond();
    const penalty = minBond / 2n;
    if (before.amount - before.locked >= penalty) expect(await listed()).toEqual([String(offerId)]);
    // Lease until the free bond is below one penalty; the offer still has free servers and a bond >= its minimum.
    for (;;) {
      const p = await usdBond();
      if (p.amount - p.locked < penalty) break;
      await ctx.send(() =>
        asBuyer.write.openLease([offerId, 1n, 3600n, maxUint256, `0x${"ab".repeat(32)}`]),
      );
    }
    const after = await asProvider.read.getOffer([offerId]);
    expect(after.totalUnits - after.unitsInUse).toBeGreaterThan(0n);
    expect((await usdBond()).amount).toBe(bond);
    expect(await listed()).toEqual([]);
  });
});
