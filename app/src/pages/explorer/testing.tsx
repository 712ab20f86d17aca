/**
 * Test support for the explorer's page tests: rendering a route, and a fake indexer behind `fetch` that answers
 * GraphQL (a handler per test) and the paged `/explorer/*` routes from an in-memory list, recording every request.
 */
import { configure, render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { afterEach, beforeEach, vi } from "vitest";
import { RouterProvider } from "../../lib/router.tsx";
import { Routes } from "../../routes.tsx";
import type { LeaseListItem } from "./leaseFilter.ts";

// A route's first render loads its lazy chunk; on a busy two-core machine that can take more than the default 1 s.
configure({ asyncUtilTimeout: 5000 });

/** Renders the app's routes at `url` with a fresh query cache (no retries). */
export function renderAt(url: string) {
  window.history.replaceState(null, "", url);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <RouterProvider>
        <Routes />
      </RouterProvider>
    </QueryClientProvider>,
  );
}

/** Answers one GraphQL request's `data`. */
export type GraphqlHandler = (query: string, variables: Record<string, unknown>) => unknown;

/** Answers one `/explorer/*` GET: a JSON body, or a status with a body. */
export type RestHandler = (
  path: string,
  params: URLSearchParams,
) => unknown | { status: number; body: unknown };

export interface FakeIndexer {
  /** Every GET of an `/explorer/*` route so far: its path and parameters. */
  gets: { path: string; params: URLSearchParams }[];
  /** Every GraphQL document sent so far. */
  queries: string[];
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Replaces `fetch` with a fake indexer: GraphQL goes to `graphql`, `/explorer/*` to `rest`. */
export function stubIndexer(
  graphql: GraphqlHandler,
  rest: RestHandler = () => ({ status: 404, body: { error: "no such route" } }),
  indexedTime = 1_764_000_000,
): FakeIndexer {
  const fake: FakeIndexer = { gets: [], queries: [] };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      if (url.pathname.endsWith("/graphql")) {
        const { query, variables } = JSON.parse(String(init?.body)) as {
          query: string;
          variables: Record<string, unknown>;
        };
        fake.queries.push(query);
        return json({ data: graphql(query, variables ?? {}) });
      }
      if (url.pathname.endsWith("/status"))
        return json({ anvil: { id: 31337, block: { number: 100, timestamp: indexedTime } } });
      fake.gets.push({ path: url.pathname, params: url.searchParams });
      const answer = rest(url.pathname, url.searchParams);
      if (answer && typeof answer === "object" && "status" in answer && "body" in answer)
        return json(answer.body, Number(answer.status));
      return json(answer);
    }),
  );
  return fake;
}

/** `items` from `after` (an offset here), `limit` of them, with the next offset while more remain. */
export function pageFrom<T>(items: readonly T[], params: URLSearchParams) {
  const start = Number(params.get("after") ?? 0);
  const limit = Number(params.get("limit") ?? 50);
  const end = start + limit;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : null };
}

/**
 * The lease routes over `all` (newest first): `/explorer/leases` filters on the stored columns and pages, and
 * `/explorer/leases/total` counts, exactly unless `exact` is false (then it answers a bound of 10,000).
 */
export function leaseRoutes(all: readonly LeaseListItem[], exact = true): RestHandler {
  const newestFirst = [...all].sort((a, b) => Number(b.id) - Number(a.id));
  const matching = (p: URLSearchParams) =>
    newestFirst.filter((l) => {
      const address = p.get("address");
      return (
        (!p.get("gpuModel") || l.gpuModel === p.get("gpuModel")) &&
        (!p.get("region") || l.region === p.get("region")) &&
        (!p.get("status") || l.status === p.get("status")) &&
        (!p.get("endReason") || l.endReason === p.get("endReason")) &&
        (!p.get("buyer") || l.buyer === p.get("buyer")) &&
        (!p.get("provider") || l.provider === p.get("provider")) &&
        (!address || l.buyer.startsWith(address) || l.provider.startsWith(address))
      );
    });
  return (path, params) => {
    if (path.endsWith("/explorer/leases/total")) {
      const total = matching(params).length;
      return exact ? { total, exact } : { total: Math.min(total, 10_000), exact };
    }
    if (path.endsWith("/explorer/leases")) return pageFrom(matching(params), params);
    return { status: 404, body: { error: `no route ${path}` } };
  };
}

/**
 * jsdom has no layout: gives every lease table a 600 px high viewport over rows of 40 px, and lets the
 * virtualizer's `scrollTo` move it, as a browser would. Call in `beforeEach`; `vi.restoreAllMocks()` undoes the
 * spies.
 */
export function layOutLeaseTables() {
  const isTable = (el: HTMLElement) => el.dataset.testid === "lease-table";
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (
    this: HTMLElement,
  ) {
    return isTable(this) ? 600 : 0;
  });
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockImplementation(() => 1200);
  // The virtualizer clamps a scroll to scrollHeight, which jsdom leaves at 0.
  vi.spyOn(HTMLElement.prototype, "scrollHeight", "get").mockImplementation(function (
    this: HTMLElement,
  ) {
    return isTable(this) ? Number(this.dataset.rowCount) * 40 + 36 : 0;
  });
  HTMLElement.prototype.scrollTo = function (this: HTMLElement, opts?: ScrollToOptions | number) {
    if (typeof opts === "object" && opts.top !== undefined) this.scrollTop = opts.top;
    this.dispatchEvent(new Event("scroll"));
  } as HTMLElement["scrollTo"];
}

/**
 * The lease table's test environment around every test of a file: a no-op ResizeObserver and window.scrollTo
 * (jsdom has neither) and `layOutLeaseTables`, all undone after each test. Call once at the top of the file.
 */
export function withLeaseTableLayout() {
  beforeEach(() => {
    vi.stubGlobal(
      "ResizeObserver",
      class {
        observe() {}
        unobserve() {}
        disconnect() {}
      },
    );
    window.scrollTo = (() => {}) as typeof window.scrollTo;
    layOutLeaseTables();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
}
