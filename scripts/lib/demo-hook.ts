/**
 * The demo provisioning hook that `npm run dev` gives the provider agents (`gridlease provider serve
 * --provision-hook "node scripts/lib/demo-hook.ts" --deprovision-hook …`). DEMO ONLY: it provisions nothing. It
 * answers like a real hook would, so that a lease opened in the app is activated and the buyer can reveal access
 * details, but the host it names does not exist.
 *
 *   GRIDLEASE_HOOK=provision    reads the lease (JSON) on stdin and prints
 *                               {"host","port","user","token","demo":true,"note"} on stdout;
 *   GRIDLEASE_HOOK=deprovision  reads the lease and prints nothing (there is nothing to tear down);
 *   GRIDLEASE_HOOK=health       reads the lease (with its open outage) and answers healthy (exit 0, no new details),
 *                               so the agent resolves an outage reported in the app within seconds.
 *
 * The token is an HMAC of the lease id under GRIDLEASE_DEMO_HOOK_SECRET (a random value per `npm run dev`), so the
 * hook is idempotent per lease, as the agent requires: run twice for one lease, it prints the same details.
 * Exit codes: 0 done, 2 bad input (no lease JSON, unknown GRIDLEASE_HOOK, no secret).
 */
import { createHmac } from "node:crypto";

/** The lease fields the agent sends that the demo uses. */
interface LeaseInput {
  leaseId: string;
  offerId: string;
  units: string;
  gpusPerUnit: string;
}

/** The connection details a demo lease gets: deterministic in (secret, lease id). */
function demoAccess(lease: LeaseInput, secret: string) {
  const token = createHmac("sha256", secret).update(`lease ${lease.leaseId}`).digest("hex");
  return {
    host: `lease-${lease.leaseId}.demo.gridlease.invalid`,
    port: 22,
    user: `lease${lease.leaseId}`,
    token,
    demo: true,
    note: `Demo only (npm run dev): no server was provisioned for these ${lease.units} x ${lease.gpusPerUnit}-GPU servers.`,
  };
}

function fail(message: string): never {
  process.stderr.write(`demo hook: ${message}\n`);
  process.exit(2);
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

async function main() {
  const kind = process.env.GRIDLEASE_HOOK;
  if (kind !== "provision" && kind !== "deprovision" && kind !== "health")
    fail(
      `GRIDLEASE_HOOK must be "provision", "deprovision" or "health", got ${JSON.stringify(kind)}`,
    );
  let lease: LeaseInput;
  try {
    lease = JSON.parse(await readStdin()) as LeaseInput;
  } catch {
    fail("expected the lease as JSON on stdin");
  }
  if (lease === null || typeof lease !== "object" || !/^\d+$/.test(String(lease.leaseId)))
    fail("the lease JSON has no leaseId");
  if (kind === "deprovision") return;
  if (kind === "health") {
    // Nothing was provisioned, so nothing can be down: healthy, and the current (demo) details stay.
    process.stderr.write(`demo hook: lease ${lease.leaseId} is healthy (demo)\n`);
    return;
  }
  const secret = process.env.GRIDLEASE_DEMO_HOOK_SECRET;
  if (!secret) fail("GRIDLEASE_DEMO_HOOK_SECRET is not set");
  process.stdout.write(`${JSON.stringify(demoAccess(lease, secret))}\n`);
}

await main();
