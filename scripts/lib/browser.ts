/**
 * Headless Chromium for the end-to-end tests and `npm run bench:app`: the system browser (Debian's `chromium`)
 * driven by playwright-core, with a fresh profile, and only 127.0.0.1 to talk to.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Where the system Chromium lives (Debian's `chromium` package); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Chromium's flags (the user-data dir is passed separately: playwright requires it). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** A browser context with a fresh profile; `close()` also deletes the profile. */
export interface E2EBrowser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile (persistent context: Chromium wants its own user-data dir).
 * Background networking, component updates, sync and QUIC are off: the browser talks only to the pages it opens.
 */
export async function launchBrowser(): Promise<E2EBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "gridlease-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(30_000);
    return {
      context,
      close: async () => {
        await context.close().catch(() => {});
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
}
