/**
 * `gridlease review <leaseId> --score N [--verified FILE]`: the buyer's review of a lease it bought, on EAS. The
 * review resolver accepts one per lease, only from its buyer and only once the lease was activated; this command
 * checks the same first and refuses in plain words before sending anything. `--verified` takes what
 * `lease verify --json` printed: the review then says whether that check passed, with the machine's report hash.
 */
import { readFileSync } from "node:fs";
import { getAddress, isAddressEqual, isHex, zeroHash, type Hex } from "viem";
import {
  endReasonName,
  explainError,
  formatTime,
  formatTokenAmount,
  getLease,
  LeaseStatus,
  tokenDisplay,
} from "@gridlease/sdk";
import { postReview, reviewOf } from "@gridlease/sdk/eas";
import { listReviews } from "@gridlease/sdk/indexer";
import { defineCommand, type Command } from "../command.ts";
import { parseAddressArg, parseCount } from "../args.ts";
import { NEEDS_INDEXER, openIndexer } from "../indexer.ts";
import { table } from "../output.ts";
import { confirm } from "../context.ts";
import { easFor } from "../eas.ts";
import { CliError, errorMessage, EXIT, usage } from "../exit.ts";

/** What a `lease verify --json` run says for the review: did it pass, and the machine's report hash. */
function readVerifyRun(file: string, leaseId: bigint): { verified: boolean; reportHash: Hex } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw usage(`--verified ${file}: ${errorMessage(err)}`);
  }
  const run = typeof data === "object" && data !== null ? data : {};
  const id = Reflect.get(run, "leaseId");
  const match = Reflect.get(run, "match");
  const verdict: unknown = Reflect.get(run, "verdict");
  const reportHash =
    typeof verdict === "object" && verdict !== null
      ? Reflect.get(verdict, "reportHash")
      : undefined;
  if (
    typeof match !== "boolean" ||
    typeof reportHash !== "string" ||
    !isHex(reportHash) ||
    reportHash.length !== 66
  )
    throw usage(
      `--verified ${file} is not the output of \`gridlease lease verify <id> --json\` (it needs "match" and "verdict.reportHash")`,
    );
  if (String(id) !== leaseId.toString())
    throw usage(
      `--verified ${file} is a verify run of lease #${String(id)}, not of lease #${leaseId}`,
    );
  return { verified: match, reportHash };
}

const review = defineCommand({
  name: "review",
  summary: "Review a lease you bought (score 1-5), once, on EAS",
  help: `<leaseId> --score N [--verified FILE]

  --score N         1 (worst) to 5 (best)
  --verified FILE   the JSON \`gridlease lease verify <id> --json\` printed for this lease: the review records
                    whether that check passed and the machine's report hash (without it: not verified)

Only the lease's buyer can review it, once, after the provider activated it; reviews cannot be changed or
revoked. Each of these is checked before anything is sent.`,
  positionals: true,
  options: {
    score: { type: "string" },
    verified: { type: "string" },
  },
  async run({ values, positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("review takes one lease id");
    const leaseId = parseCount(positionals[0], "the lease id");
    const score = Number(parseCount(values.score, "--score"));
    if (score > 5) throw usage(`--score must be from 1 to 5, got ${score}`);
    const run =
      values.verified === undefined
        ? { verified: false, reportHash: zeroHash }
        : readVerifyRun(values.verified, leaseId);
    const c = await connect();
    const deployment = easFor(c);
    const lease = await getLease(c.client, { market: c.market, leaseId }).catch((err: unknown) => {
      if (explainError(err).errorName === "Market_UnknownLease")
        throw new CliError(EXIT.NOT_FOUND, `Lease #${leaseId} does not exist.`, "not-found");
      throw err;
    });
    const w = await c.wallet();
    const me = w.account.address;
    if (!isAddressEqual(lease.buyer, me))
      throw new CliError(
        EXIT.REJECTED,
        `Lease #${leaseId} was bought by ${lease.buyer}, not by your account ${me}: only its buyer can review it. Nothing was sent.`,
        "not-lease-buyer",
      );
    const status = Number(lease.status);
    if (
      status === LeaseStatus.Pending ||
      (status === LeaseStatus.Ended && endReasonName(lease.endReason) === "NoShowCancelled")
    )
      throw new CliError(
        EXIT.REJECTED,
        `Lease #${leaseId} was never activated: there is nothing to review yet. Nothing was sent.`,
        "not-activated",
      );
    const existing = await reviewOf(c.client, { deployment, leaseId });
    if (existing)
      throw new CliError(
        EXIT.REJECTED,
        `Lease #${leaseId} already has your review (${existing}): one per lease, and it cannot be changed. Nothing was sent.`,
        "already-reviewed",
      );
    const mined = await confirm(c, `Reviewing lease #${leaseId} (score ${score})`, () =>
      postReview(w, { deployment, leaseId, provider: lease.provider, score, ...run }),
    );
    out.result(
      { leaseId, provider: lease.provider, score, ...run, uid: mined.uid, tx: mined.hash },
      () =>
        `Reviewed lease #${leaseId}: ${score}/5, ${run.verified ? "verified by lease verify" : "not verified"}; ${mined.uid} in ${mined.hash}`,
    );
  },
});

/** Review weights are micro-USD of protocol fee: shown as dollars. */
const USD_MICROS = tokenDisplay("USD", 6);

const reviewList = defineCommand({
  name: "review list",
  summary:
    "List lease reviews (of a lease, a provider or by a buyer), each with the fee that weighs it",
  help: `[--lease ID] [--provider ADDRESS] [--buyer ADDRESS]

A review's weight in its provider's score is the protocol fee its lease paid (0 until the lease ends), so reviews
of leases that paid nothing count for nothing. Reviews come only from a lease's buyer, once, after activation.
${NEEDS_INDEXER}`,
  options: {
    lease: { type: "string" },
    provider: { type: "string" },
    buyer: { type: "string" },
  },
  async run({ values, out, connect, settings }) {
    const leaseId = values.lease === undefined ? undefined : parseCount(values.lease, "--lease");
    const provider =
      values.provider === undefined ? undefined : parseAddressArg(values.provider, "--provider");
    const buyer = values.buyer === undefined ? undefined : parseAddressArg(values.buyer, "--buyer");
    const indexer = await openIndexer(settings, connect);
    // Oldest first; reviews posted in one block by lease id.
    const reviews = (await listReviews(indexer, { leaseId, provider, buyer })).sort((a, b) =>
      a.createdAt !== b.createdAt
        ? Number(a.createdAt - b.createdAt)
        : Number(a.leaseId - b.leaseId),
    );
    out.result({ reviews }, () =>
      reviews.length === 0
        ? "No reviews."
        : table(
            ["LEASE", "PROVIDER", "BUYER", "SCORE", "VERIFIED", "WEIGHT", "POSTED"],
            reviews.map((r) => [
              `#${r.leaseId}`,
              getAddress(r.provider),
              getAddress(r.buyer),
              `${r.score}/5`,
              r.verified ? "yes" : "no",
              formatTokenAmount(r.feeWeight, USD_MICROS),
              formatTime(r.createdAt),
            ]),
          ),
    );
  },
});

/** The `review` commands, registered in main.ts. */
export const reviewCommands: Command[] = [review, reviewList];
