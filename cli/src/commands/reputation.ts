/**
 * `gridlease provider score [<address>]`: providers' scores from the indexer's fee-weighted evidence, computed by
 * the SDK's one formula (`providerReputation`, docs/reputation.md), every number behind each part shown. Without an
 * address: every provider ranked, and what self-dealing would cost to lift the market's median provider to its
 * 90th percentile.
 */
import { getAddress } from "viem";
import { marketSybilCost, providerReputation, type Reputation } from "@gridlease/sdk/reputation";
import { chainTime, formatTime, formatTokenAmount, tokenDisplay } from "@gridlease/sdk";
import {
  getProviderEvidence,
  listProviderEvidence,
  type ProviderEvidence,
} from "@gridlease/sdk/indexer";
import { defineCommand, type Command } from "../command.ts";
import { parseAddressArg } from "../args.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { NEEDS_INDEXER, openIndexer } from "../indexer.ts";
import { table } from "../output.ts";

/** The evidence is micro-USD of protocol fee: shown as dollars. */
const USD = tokenDisplay("USD", 6);
const usd = (microUsd: bigint) => formatTokenAmount(microUsd, USD);
const percent = (bps: number) => `${(bps / 100).toFixed(1)}`;

/** One input as people read it: fees as dollars, times as dates. */
function inputText(name: string, value: bigint): string {
  if (name === "auditedUntil" || name === "now") return value === 0n ? "never" : formatTime(value);
  if (name === "priorBps") return `${percent(Number(value))}%`;
  if (name === "reviewScoreWeight") return `${usd(value)} (fee × score)`;
  return usd(value);
}

function breakdown(e: ProviderEvidence, r: Reputation): string {
  return [
    `Provider ${getAddress(e.provider)}: score ${percent(r.scoreBps)} / 100${r.audited ? " (audited)" : ""}`,
    `  ${usd(r.evidenceUsdMicros)} of protocol fees behind the record; ${e.reviewCount} review(s), ${e.auditCount} audit(s)`,
    ...Object.entries(r.components).map(
      ([name, c]) =>
        `  ${name.padEnd(10)} ${percent(c.valueBps).padStart(5)}% × weight ${percent(c.weight)}%   ` +
        Object.entries(c.inputs)
          .map(([k, v]) => `${k} ${inputText(k, v)}`)
          .join(", "),
    ),
  ].join("\n");
}

const providerScore = defineCommand({
  name: "provider score",
  summary:
    "Providers' fee-weighted scores with every number behind them (and the market's sybil cost)",
  help: `[<address>]

Every input is weighted by the protocol fee its leases paid, so padding a record by leasing one's own offers
costs fees (docs/reputation.md). With an address: that provider's score, part by part, with each part's inputs.
Without: every provider ranked, and the fee that would lift the median provider to the 90th percentile.
${NEEDS_INDEXER}`,
  positionals: true,
  options: {},
  async run({ positionals, out, connect, settings }) {
    if (positionals.length > 1) throw usage("provider score takes at most one address");
    const provider =
      positionals[0] === undefined ? undefined : parseAddressArg(positionals[0], "the provider");
    const indexer = await openIndexer(settings, connect);
    const now = await chainTime((await connect()).client);
    if (provider) {
      const evidence = await getProviderEvidence(indexer, provider);
      if (!evidence)
        throw new CliError(
          EXIT.NOT_FOUND,
          `${provider} is not a provider the indexer knows.`,
          "not-found",
        );
      const reputation = providerReputation(evidence.inputs, now);
      return out.result({ ...evidence, reputation }, () => breakdown(evidence, reputation));
    }
    const all = (await listProviderEvidence(indexer))
      .map((e) => ({ ...e, reputation: providerReputation(e.inputs, now) }))
      .sort((a, b) => b.reputation.scoreBps - a.reputation.scoreBps);
    let sybil: {
      median: string;
      medianScoreBps: number;
      p90ScoreBps: number;
      costUsdMicros: bigint;
    } | null = null;
    let sybilNote = "";
    if (all.length > 0) {
      try {
        const cost = marketSybilCost(new Map(all.map((e) => [e.provider, e.inputs])), now);
        sybil = {
          median: cost.median.provider,
          medianScoreBps: cost.median.scoreBps,
          p90ScoreBps: cost.p90ScoreBps,
          costUsdMicros: cost.costUsdMicros,
        };
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        sybilNote = `The sybil cost cannot be priced here: ${err.message}.`;
      }
    }
    out.result({ providers: all, sybilCost: sybil }, () =>
      [
        all.length === 0
          ? "No providers."
          : table(
              ["PROVIDER", "SCORE", "FEES BEHIND IT", "REVIEWS", "AUDITED"],
              all.map((e) => [
                getAddress(e.provider),
                percent(e.reputation.scoreBps),
                usd(e.reputation.evidenceUsdMicros),
                String(e.reviewCount),
                e.reputation.audited ? "yes" : "no",
              ]),
            ),
        ...(sybil
          ? [
              "",
              `Lifting the median provider (${getAddress(sybil.median)}, ${percent(sybil.medianScoreBps)}) to the 90th percentile (${percent(sybil.p90ScoreBps)}) by leasing its own offers costs ${usd(sybil.costUsdMicros)} in protocol fees.`,
            ]
          : sybilNote
            ? ["", sybilNote]
            : []),
      ].join("\n"),
    );
  },
});

/** The reputation command, registered in main.ts. */
export const reputationCommands: Command[] = [providerScore];
