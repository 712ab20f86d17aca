/**
 * `explore leases`: one page of the indexer's lease list, filtered, ordered and paged by keyset on the server
 * (the SDK's `pageLeases` over `/explorer/leases`), with the total from the counts the indexer keeps
 * (`countLeases`) and the cursor of the next page. Also the lease pages `explore address` prints.
 */
import { getAddress } from "viem";
import { EndReason, formatTime, formatTokenAmount } from "@gridlease/sdk";
import {
  countLeases,
  IndexerError,
  pageLeases,
  type IndexerClient,
  type LeaseFilter,
  type LeaseListRow,
  type LeaseStatusFilter,
} from "@gridlease/sdk/indexer";
import { parseCount } from "../args.ts";
import { defineCommand } from "../command.ts";
import { usage } from "../exit.ts";
import { NEEDS_INDEXER, openIndexer } from "../indexer.ts";
import { table } from "../output.ts";
import { tokenBook, type Token } from "../tokens.ts";

const STATUSES: readonly LeaseStatusFilter[] = [
  "Pending",
  "ActivationOverdue",
  "Active",
  "Expired",
  "Ended",
];
const ORDERS = ["newest", "oldest"] as const;
/** The indexer serves at most this many rows per page. */
const MAX_LIMIT = 200n;

/** `raw` if it is one of `allowed`, else a usage error naming the flag and the choices. */
function choice<T extends string>(raw: string | undefined, allowed: readonly T[], flag: string) {
  if (raw === undefined) return undefined;
  const found = allowed.find((a) => a === raw);
  if (found === undefined)
    throw usage(`${flag} must be one of ${allowed.join(", ")}; got ${JSON.stringify(raw)}`);
  return found;
}

/** A page size from 1 to 200. */
export function parseLimit(raw: string | undefined): number {
  const n = parseCount(raw, "--limit");
  if (n > MAX_LIMIT) throw usage(`--limit must be at most ${MAX_LIMIT}, got ${n}`);
  return Number(n);
}

/** Runs an explorer read; a parameter the indexer refuses (HTTP 400, e.g. a stale cursor) is a usage error. */
async function explorerRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof IndexerError && err.kind === "query" && err.status === 400)
      throw usage(err.message);
    throw err;
  }
}

/** A page of leases as the CLI shows it: addresses checksummed, the price with its token. */
export interface LeasePage {
  /** Leases that pass the filter; `exact: false` means at least this many. */
  total: number;
  exact: boolean;
  leases: Awaited<ReturnType<typeof showRows>>;
  /** Pass as `--after` for the next page; null on the last one. */
  next: string | null;
}

async function showRows(rows: LeaseListRow[], token: (address: string) => Promise<Token>) {
  return Promise.all(
    rows.map(async (l) => ({
      leaseId: l.id,
      gpuModel: l.gpuModel,
      region: l.region,
      gpus: l.gpus,
      status: l.status,
      endReason: l.endReason,
      buyer: getAddress(l.buyer),
      provider: getAddress(l.provider),
      paymentToken: await token(l.paymentToken),
      pricePerGpuHour: l.pricePerGpuHour,
      duration: l.duration,
      openedAt: l.openedAt,
      startTime: l.startTime,
      endTime: l.endTime,
    })),
  );
}

/**
 * One page of the leases that pass `filter` and their total, judged at the indexer's latest block (the time the
 * statuses ActivationOverdue and Expired are relative to).
 */
export async function leasePage(
  indexer: IndexerClient,
  token: (address: string) => Promise<Token>,
  filter: LeaseFilter,
  page: { order?: "newest" | "oldest"; limit: number; after?: string },
): Promise<LeasePage> {
  const at = await indexer.indexedTime();
  const f: LeaseFilter = { ...filter, now: at === undefined ? undefined : Number(at) };
  const [rows, count] = await explorerRead(() =>
    Promise.all([pageLeases(indexer, { ...f, ...page }), countLeases(indexer, f)]),
  );
  return { ...count, leases: await showRows(rows.items, token), next: rows.next };
}

/** The leases of a page as a table; `parties` adds the buyer and provider columns. */
export function leaseTable(leases: LeasePage["leases"], parties: boolean): string {
  return table(
    [
      "LEASE",
      "GPUS",
      "REGION",
      "STATUS",
      ...(parties ? ["BUYER", "PROVIDER"] : []),
      "PRICE/GPU-HOUR",
      "OPENED",
    ],
    leases.map((l) => [
      `#${l.leaseId}`,
      `${l.gpus} ${l.gpuModel}`,
      l.region,
      l.endReason !== "None" ? `${l.status} (${l.endReason})` : l.status,
      ...(parties ? [l.buyer, l.provider] : []),
      formatTokenAmount(BigInt(l.pricePerGpuHour), l.paymentToken),
      formatTime(BigInt(l.openedAt)),
    ]),
  );
}

/** "12 leases" or "at least 10000 leases". */
export const leaseTotal = (p: Pick<LeasePage, "total" | "exact">) =>
  `${p.exact ? "" : "at least "}${p.total} lease${p.total === 1 && p.exact ? "" : "s"}`;

export const exploreLeases = defineCommand({
  name: "explore leases",
  summary:
    "Leases from the indexer, filtered and paged on the server: one page and the cursor of the next",
  help: `[--gpu MODEL] [--region CODE] [--status STATUS] [--reason REASON] [--address ADDR]
       [--order newest|oldest] [--limit N] [--after CURSOR]

  --gpu MODEL       GPU model code as listed on-chain (e.g. H100-SXM-80GB)
  --region CODE     region code (e.g. US-CA)
  --status STATUS   ${STATUSES.join(", ")}; ActivationOverdue and Expired at the latest indexed block
  --reason REASON   end reason: ${Object.keys(EndReason).join(", ")}
  --address ADDR    the buyer or the provider: an address or its first characters (0x and at least 4 hex digits)
  --order ORDER     newest (default) or oldest first, by opening
  --limit N         leases per page, 1 to ${MAX_LIMIT} (default 50)
  --after CURSOR    the page after the one that printed this cursor

${NEEDS_INDEXER}`,
  options: {
    gpu: { type: "string" },
    region: { type: "string" },
    status: { type: "string" },
    reason: { type: "string" },
    address: { type: "string" },
    order: { type: "string", default: "newest" },
    limit: { type: "string", default: "50" },
    after: { type: "string" },
  },
  async run({ values, out, connect, settings }) {
    const filter: LeaseFilter = {
      gpuModel: values.gpu,
      region: values.region,
      status: choice(values.status, STATUSES, "--status"),
      endReason: choice(values.reason, Object.keys(EndReason), "--reason"),
      address: values.address,
    };
    const order = choice(values.order, ORDERS, "--order");
    const limit = parseLimit(values.limit);
    const indexer = await openIndexer(settings, connect);
    const page = await leasePage(indexer, tokenBook(connect), filter, {
      order,
      limit,
      after: values.after,
    });
    const flags = [
      ...Object.entries({
        gpu: values.gpu,
        region: values.region,
        status: values.status,
        reason: values.reason,
        address: values.address,
      }).flatMap(([k, v]) => (v === undefined ? [] : [`--${k} ${v}`])),
      ...(order === "oldest" ? ["--order oldest"] : []),
      ...(values.limit !== "50" ? [`--limit ${limit}`] : []),
    ];
    out.result({ order, limit, ...page }, () =>
      [
        `${leaseTotal(page)} match.`,
        ...(page.leases.length > 0 ? ["", leaseTable(page.leases, true)] : []),
        "",
        page.next
          ? `Next page: gridlease explore leases ${[...flags, `--after ${page.next}`].join(" ")}`
          : "Last page.",
      ].join("\n"),
    );
  },
});
