/** The committed parity fixtures (regenerate with `npm run fixtures:indexer`). */
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import type { EventVector } from "../../../scripts/indexer/scenario.ts";
import type { EntityDump } from "./subgraph-runtime.ts";

const dir = new URL("../fixtures/", import.meta.url);
export const scenarioEvents = (): EventVector[] =>
  JSON.parse(readFileSync(new URL("scenario-events.json", dir), "utf8"));
export const scenarioEntities = (): EntityDump =>
  JSON.parse(readFileSync(new URL("scenario-entities.json", dir), "utf8"));

/** Stands for a value that differs with each replay of the scenario. */
const PER_REPLAY = "(differs per replay)";

/**
 * Vectors without what differs between two replays of the scenario: block hashes (genesis time differs), and the
 * attestation claim's bytes (a fresh test GPU, a nonce bound to a block hash) with its transaction's hash.
 */
export const replayable = (vectors: EventVector[]) =>
  vectors.map(({ blockHash: _h, parentHash: _p, ...rest }) =>
    rest.event === "OfferAttestationPublished"
      ? {
          ...rest,
          data: PER_REPLAY,
          txHash: PER_REPLAY,
          args: {
            ...rest.args,
            nonce: PER_REPLAY,
            reportHash: PER_REPLAY,
            report: PER_REPLAY,
            certChain: PER_REPLAY,
          },
        }
      : rest,
  );

/** Entities without the attestation claims' per-replay bytes (see `replayable`). */
export const replayableEntities = (dump: EntityDump): EntityDump => ({
  ...dump,
  OfferAttestation: Object.fromEntries(
    Object.entries(dump.OfferAttestation ?? {}).map(([id, claim]) => [
      id,
      {
        ...claim,
        nonce: PER_REPLAY,
        reportHash: PER_REPLAY,
        report: PER_REPLAY,
        certChain: PER_REPLAY,
        txHash: PER_REPLAY,
      },
    ]),
  ),
});

/** Runs `graph codegen` and `graph build` for the subgraph workspace; throws with the output on failure. */
export function buildSubgraph() {
  const root = new URL("../../../", import.meta.url).pathname;
  const res = spawnSync("npm", ["run", "build", "--workspace", "@gridlease/subgraph"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "true" },
    timeout: 480_000,
  });
  if (res.status !== 0) throw new Error(`subgraph build failed:\n${res.stdout}\n${res.stderr}`);
  return `${res.stdout}\n${res.stderr}`;
}
