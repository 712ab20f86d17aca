/** The review form's checks, apart from React: a score 1..5 and a report hash, a verified review carrying one. */
import { zeroHash, type Hex } from "viem";

/** What the buyer typed. */
export interface ReviewInput {
  score: number | undefined;
  verified: boolean;
  reportHash: string;
}

/** Each field's problem in words (none: the review can be posted). */
export function reviewErrors(input: ReviewInput): { score?: string; reportHash?: string } {
  const errors: { score?: string; reportHash?: string } = {};
  if (
    input.score === undefined ||
    !Number.isInteger(input.score) ||
    input.score < 1 ||
    input.score > 5
  )
    errors.score = "Give a score from 1 to 5.";
  const hash = input.reportHash.trim();
  if (hash !== "" && !/^0x[0-9a-fA-F]{64}$/.test(hash))
    errors.reportHash = "A report hash is 0x followed by 64 hexadecimal digits, or nothing.";
  else if (input.verified && (hash === "" || /^0x0{64}$/.test(hash)))
    errors.reportHash =
      "A verified review carries the report hash of the verify run: verify the lease first, or untick “verified”.";
  return errors;
}

/** The report hash to post: the one typed, or zero when the buyer gave none. */
export const reportHashOf = (input: ReviewInput): Hex =>
  input.reportHash.trim() === "" ? zeroHash : (input.reportHash.trim().toLowerCase() as Hex);
