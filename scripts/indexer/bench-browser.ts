/**
 * The browser measurements of `npm run bench:app` (scripts/bench-app.ts), in headless Chromium: a page's first
 * render from navigation start, an in-app navigation from a click (with the requests and long tasks it caused),
 * and a change of the explorer's lease filter until the table commits its first page.
 */
import type { E2EBrowser } from "../lib/browser.ts";

/** The page-side globals the measurements touch (the page is not typed with the DOM library here). */
interface PageGlobals {
  __firstAt?: number;
  document: {
    querySelector: (
      s: string,
    ) => { getAttribute: (n: string) => string | null; click: () => void } | null;
    querySelectorAll: (s: string) => ArrayLike<{
      textContent: string | null;
      getAttribute: (n: string) => string | null;
    }>;
    documentElement: unknown;
    body: unknown;
  };
  MutationObserver: new (cb: () => void) => {
    observe: (n: unknown, o: unknown) => void;
    disconnect: () => void;
  };
  requestAnimationFrame: (cb: () => void) => void;
  Event: new (type: string, init: unknown) => unknown;
}

/**
 * Loads `url` in a fresh tab and returns the time from navigation start to the first element matching `selector`
 * whose aria-label (else text) matches `pattern`, seen by a MutationObserver installed before the app loads.
 */
export async function firstRender(
  browser: E2EBrowser,
  url: string,
  selector: string,
  pattern: string,
): Promise<number> {
  const page = await browser.context.newPage();
  try {
    await page.addInitScript(
      ({ selector, pattern }) => {
        const g = globalThis as unknown as PageGlobals;
        const re = new RegExp(pattern);
        const found = () =>
          Array.from(g.document.querySelectorAll(selector)).some((a) =>
            re.test(a.getAttribute("aria-label") ?? a.textContent ?? ""),
          );
        const observer = new g.MutationObserver(() => {
          if (g.__firstAt === undefined && found()) {
            g.__firstAt = performance.now();
            observer.disconnect();
          }
        });
        observer.observe(g.document.documentElement ?? g.document, {
          childList: true,
          subtree: true,
          characterData: true,
        });
      },
      { selector, pattern },
    );
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__firstAt !== undefined,
      undefined,
      { timeout: 60_000 },
    );
    return await page.evaluate(() => (globalThis as unknown as PageGlobals).__firstAt!);
  } finally {
    await page.close();
  }
}

/**
 * Opens `startUrl`, then clicks its first link matching `link` (an in-app navigation: the app is loaded already) and
 * returns the time from the click to the next animation frame after an element matching `selector` whose
 * aria-label (else text) matches `pattern` is in the page.
 */
export async function inAppNavigation(
  browser: E2EBrowser,
  startUrl: string,
  link: string,
  selector: string,
  pattern: string,
  requests?: NavigationRequest[],
): Promise<number> {
  const page = await browser.context.newPage();
  try {
    // Requests in flight: the click waits until the start page has fetched everything it fetches.
    let inFlight = 0;
    page.on("request", () => inFlight++);
    page.on("requestfinished", () => inFlight--);
    page.on("requestfailed", () => inFlight--);
    await page.goto(startUrl, { waitUntil: "load" });
    await page.locator(link).first().waitFor({ timeout: 60_000 });
    // Let the start page's own queries settle (nothing in flight for half a second, or 30 s), so that they do
    // not share the measured time.
    for (let quiet = 0, waited = 0; quiet < 5 && waited < 300; waited++) {
      await page.waitForTimeout(100);
      quiet = inFlight === 0 ? quiet + 1 : 0;
    }
    // The GraphQL documents posted from now on, in order (to name the /graphql requests in the trace).
    const documents: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/graphql"))
        documents.push(
          ((JSON.parse(r.postData() ?? "{}") as { query?: string }).query ?? "")
            .replace(/\s+/g, " ")
            .trim()
            .slice(0, 100),
        );
    });
    const { ms, t0 } = await page.evaluate(
      ({ link, selector, pattern }) =>
        new Promise<{ ms: number; t0: number }>((resolve, reject) => {
          const g = globalThis as unknown as PageGlobals;
          const re = new RegExp(pattern);
          const found = () =>
            Array.from(g.document.querySelectorAll(selector)).some((a) =>
              re.test(a.getAttribute("aria-label") ?? a.textContent ?? ""),
            );
          const timer = setTimeout(() => {
            observer.disconnect();
            reject(new Error(`no ${selector} /${pattern}/ within 30 s of the click`));
          }, 30_000);
          const observer = new g.MutationObserver(() => {
            if (!found()) return;
            observer.disconnect();
            g.requestAnimationFrame(() => {
              clearTimeout(timer);
              resolve({ ms: performance.now() - t0, t0 });
            });
          });
          observer.observe(g.document.body, {
            childList: true,
            subtree: true,
            characterData: true,
          });
          // Main-thread tasks over 50 ms from the click on: rendering that holds the requests back.
          const long = globalThis as unknown as { __longTasks?: { start: number; ms: number }[] };
          long.__longTasks = [];
          new PerformanceObserver((list) => {
            for (const e of list.getEntries())
              long.__longTasks!.push({ start: e.startTime, ms: e.duration });
          }).observe({ type: "longtask" });
          const t0 = performance.now();
          g.document.querySelector(link)!.click();
        }),
      { link, selector, pattern },
    );
    if (requests) {
      // What the navigation fetched (chunks, indexer requests) and when, for the report: where the time went.
      const entries = await page.evaluate(
        (t0) =>
          performance
            .getEntriesByType("resource")
            .filter((e) => e.startTime >= t0)
            .map((e) => ({
              url: e.name.replace(/^https?:\/\/[^/]+/, "").slice(0, 120),
              startMs: Number((e.startTime - t0).toFixed(1)),
              durationMs: Number(e.duration.toFixed(1)),
            })),
        t0,
      );
      const longTasks = await page.evaluate((t0) => {
        const tasks =
          (globalThis as unknown as { __longTasks?: { start: number; ms: number }[] })
            .__longTasks ?? [];
        return tasks
          .filter((x) => x.start + x.ms >= t0)
          .map((x) => ({
            url: "(main-thread task)",
            startMs: Number((x.start - t0).toFixed(1)),
            durationMs: Number(x.ms.toFixed(1)),
          }));
      }, t0);
      entries.push(...longTasks);
      entries.sort((a, b) => a.startMs - b.startMs);
      let graphql = 0;
      requests.splice(
        0,
        requests.length,
        ...entries.map((e) =>
          e.url.endsWith("/graphql") ? { ...e, query: documents[graphql++] ?? "?" } : e,
        ),
      );
    }
    return ms;
  } finally {
    await page.close();
  }
}

/** One request an in-app navigation made: what, when after the click, how long; a GraphQL document's start. */
export interface NavigationRequest {
  url: string;
  startMs: number;
  durationMs: number;
  query?: string;
}

/** `runs` renders of `url` in fresh tabs (the first one is a cold cache); an error stops the series. */
export async function renders(runs: number, render: (i: number) => Promise<number>) {
  const ms: number[] = [];
  let error: string | null = null;
  try {
    for (let i = 0; i < runs; i++) ms.push(await render(i));
  } catch (err) {
    error = (err as Error).message.split("\n")[0]!;
  }
  return { ms, error };
}

/**
 * Changes the "GPU model" filter on /explorer/leases `runs` times (a different model each time) and times each:
 * from dispatching the change to the next animation frame after the table commits the filter's first page.
 */
export async function explorerFilter(browser: E2EBrowser, appUrl: string, runs: number) {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${appUrl}/explorer/leases`, { waitUntil: "load" });
    await page.locator("a.lease-link").first().waitFor({ timeout: 60_000 });
    const select = page.getByLabel("GPU model");
    const models = (
      await select.evaluate((el) =>
        Array.from((el as unknown as { options: ArrayLike<{ value: string }> }).options).map(
          (o) => o.value,
        ),
      )
    ).filter((v) => v !== "");
    if (models.length === 0) throw new Error("the GPU model filter has no options");
    const ownMs: number[] = [];
    const pageMs: (number | null)[] = [];
    const counts: string[] = [];
    for (let i = 0; i < runs; i++) {
      const current = await select.inputValue();
      let value = models[i % models.length]!;
      if (value === current) value = models[(i + 1) % models.length]!;
      const ms = await select.evaluate(
        (el, value) =>
          new Promise<number>((resolve, reject) => {
            const g = globalThis as unknown as PageGlobals;
            const mark = () => {
              const t = g.document.querySelector("[data-last-filter-ms]");
              return `${t?.getAttribute("data-filter-seq") ?? ""}/${t?.getAttribute("data-last-filter-ms") ?? ""}`;
            };
            const before = mark();
            const timer = setTimeout(() => {
              observer.disconnect();
              reject(new Error("the table did not commit the new filter's first page within 30 s"));
            }, 30_000);
            const observer = new g.MutationObserver(() => {
              if (mark() === before) return;
              observer.disconnect();
              g.requestAnimationFrame(() => {
                clearTimeout(timer);
                resolve(performance.now() - t0);
              });
            });
            observer.observe(g.document.body, {
              subtree: true,
              attributes: true,
              attributeFilter: ["data-filter-seq", "data-last-filter-ms"],
            });
            const select = el as unknown as {
              value: string;
              dispatchEvent: (e: unknown) => boolean;
            };
            const t0 = performance.now();
            select.value = value;
            select.dispatchEvent(new g.Event("input", { bubbles: true }));
            select.dispatchEvent(new g.Event("change", { bubbles: true }));
          }),
        value,
      );
      ownMs.push(ms);
      const own = await page
        .locator("[data-last-filter-ms]")
        .first()
        .getAttribute("data-last-filter-ms", { timeout: 5_000 })
        .catch(() => null);
      pageMs.push(own === null || own === "" || Number.isNaN(Number(own)) ? null : Number(own));
      counts.push(
        `${value}: ${
          (await page
            .getByTestId("lease-count")
            .first()
            .textContent({ timeout: 5_000 })
            .catch(() => "")) ?? ""
        }`.trim(),
      );
    }
    return { ownMs, pageMs, counts };
  } finally {
    await page.close();
  }
}
