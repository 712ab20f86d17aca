/**
 * Takes the README's screenshots of the app's main pages from a running `npm run dev`, in headless Chromium.
 *
 *   npm run dev            # in one terminal
 *   npm run screenshots    # in another: writes docs/screenshots/*.png
 *
 * Options: --app URL (default http://127.0.0.1:5173), --out DIR (default docs/screenshots).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser } from "./lib/browser.ts";

const { values } = parseArgs({
  options: {
    app: { type: "string", default: "http://127.0.0.1:5173" },
    out: { type: "string", default: join(import.meta.dirname, "..", "docs", "screenshots") },
  },
});
const app = values.app!.replace(/\/$/, "");
const out = values.out!;
mkdirSync(out, { recursive: true });

try {
  const res = await fetch(app, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
} catch (err) {
  console.error(
    `The app at ${app} does not answer (${(err as Error).message}). Start it with \`npm run dev\`.`,
  );
  process.exit(1);
}

async function connect(page: Page, devIndex: number) {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: new RegExp(`dev account #${devIndex}\\b`) }).click();
  await page.getByRole("button", { name: /0x[0-9a-fA-F]{4}…/ }).waitFor();
}

/** Opens `path` (a full load, or an in-app navigation with `nav` so a connected dev account stays connected). */
async function shot(
  page: Page,
  path: string,
  name: string,
  ready: (p: Page) => Promise<unknown>,
  nav?: (p: Page) => Promise<unknown>,
) {
  if (nav) await nav(page);
  else await page.goto(`${app}${path}`);
  await ready(page);
  await page.waitForTimeout(500); // let charts and countdowns settle
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: false });
  console.log(`  ${name}.png  ${path}`);
}

const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1440, height: 960 });
  console.log(`Screenshots of ${app} into ${out}`);
  await shot(page, "/", "market", (p) =>
    p
      .getByRole("link", { name: /^Rent offer #/ })
      .first()
      .waitFor(),
  );
  const firstOffer = await page
    .getByRole("link", { name: /^Rent offer #/ })
    .first()
    .getAttribute("href");
  await shot(page, "/explorer", "explorer", (p) => p.getByRole("img").first().waitFor());
  await shot(page, "/explorer/leases", "lease-table", (p) =>
    p
      .getByTestId("lease-count")
      .getByText(/ loaded$/)
      .waitFor(),
  );
  await shot(page, "/explorer/leases/1", "lease", (p) =>
    p.getByRole("table", { name: "Settlement breakdown" }).waitFor(),
  );
  // Dashboards: connected as the seeded buyer, then the seeded provider. Dev accounts live in the page's memory,
  // so from here on the pages are reached through the app's own links rather than full loads.
  await page.goto(`${app}/`);
  await connect(page, 15);
  const rentLink = page.getByRole("link", { name: /^Rent offer #/ }).first();
  await shot(
    page,
    firstOffer ?? "",
    "rent",
    (p) => p.getByRole("button", { name: "Rent now" }).waitFor(),
    () => rentLink.click(),
  );
  const nav = (label: string) => () =>
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label }).click();
  await shot(
    page,
    "/leases",
    "leases",
    (p) => p.getByRole("article").first().waitFor(),
    nav("My leases"),
  );
  await page.getByRole("button", { name: /0x[0-9a-fA-F]{4}…/ }).click();
  await page.getByRole("menuitem", { name: "Disconnect" }).click();
  await connect(page, 1);
  await shot(
    page,
    "/provider",
    "provider",
    (p) => p.getByRole("button", { name: "Claim all" }).waitFor(),
    nav("Provider"),
  );
} finally {
  await browser.close();
}
