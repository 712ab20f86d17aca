/**
 * `npm run dev` as a newcomer runs it: the stack comes up on spare ports, serves a seeded market, and Ctrl-C
 * stops everything it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createPublicClient, http } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { deployments } from "@gridlease/sdk/deployments";

const market = deployments["31337"].contracts.GridleaseMarket.address;

/** A port nothing listens on right now. */
function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startDev(args: string[]) {
  const child = spawn("node", ["scripts/dev.ts", ...args], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const waitFor = async (text: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (child.exitCode !== null)
        throw new Error(`npm run dev exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`"${text}" not printed in time:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { child, output: () => output, exited, waitFor };
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.pid && groupAlive(c.pid)) process.kill(-c.pid, "SIGKILL");
});

describe("npm run dev", () => {
  it("serves a seeded market on spare ports and stops every process on Ctrl-C", async () => {
    // Other test files start nodes on spare ports too: if one takes a port between the check and the start,
    // the stack says so (exit 3) and the test tries fresh ports.
    let dev: ReturnType<typeof startDev> | undefined;
    let chainPort = 0;
    let indexerPort = 0;
    for (let attempt = 0; attempt < 3 && !dev; attempt++) {
      const ports = [await sparePort(), await sparePort(), await sparePort()];
      [chainPort, indexerPort] = ports;
      const run = startDev([
        "--port",
        `${ports[0]}`,
        "--indexer-port",
        `${ports[1]}`,
        "--app-port",
        `${ports[2]}`,
      ]);
      started.push(run.child);
      const ready = await run.waitFor("Press Ctrl-C to stop.", 180_000).then(
        () => true,
        () => false,
      );
      if (ready) dev = run;
      else if ((await run.exited) !== 3) throw new Error(`npm run dev failed:\n${run.output()}`);
    }
    if (!dev) throw new Error("npm run dev found no free ports in three attempts");
    expect(dev.output()).toContain(`http://127.0.0.1:${chainPort}`);

    const client = createPublicClient({ transport: http(`http://127.0.0.1:${chainPort}`) });
    expect(await client.getChainId()).toBe(31337);
    const leases = await client.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: "leaseCount",
    });
    const offers = await client.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: "offerCount",
    });
    expect(leases).toBeGreaterThanOrEqual(150n);
    // The indexer serves the same history over GraphQL.
    const res = await fetch(`http://127.0.0.1:${indexerPort}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ leases(limit: 1) { totalCount } }" }),
    });
    const body = (await res.json()) as { data: { leases: { totalCount: number } } };
    expect(BigInt(body.data.leases.totalCount)).toBe(leases);
    expect(offers).toBeGreaterThanOrEqual(40n);
    // The seeded history ends at the present, so the chain's clock is close to the wall clock.
    const block = await client.getBlock();
    expect(Math.abs(Number(block.timestamp) - Date.now() / 1000)).toBeLessThan(3600);

    process.kill(dev.child.pid!, "SIGINT");
    expect(await dev.exited).toBe(0);
    expect(groupAlive(dev.child.pid!)).toBe(false);
    expect(await portIsFree(chainPort)).toBe(true);
    expect(await portIsFree(indexerPort)).toBe(true);
    await expect(client.getChainId()).rejects.toThrow();
  });

  it("refuses a taken port with a plain message and exit code 3, starting nothing", async () => {
    const port = await sparePort();
    const blocker = createServer().listen(port, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    try {
      const dev = startDev(["--port", `${port}`, "--no-seed"]);
      started.push(dev.child);
      expect(await dev.exited).toBe(3);
      expect(dev.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("rejects bad arguments with exit code 2", async () => {
    const dev = startDev(["--port", "eighty"]);
    started.push(dev.child);
    expect(await dev.exited).toBe(2);
    expect(dev.output()).toContain(
      '--port must be a whole number from 1024 to 65535, got "eighty"',
    );
  });
});
