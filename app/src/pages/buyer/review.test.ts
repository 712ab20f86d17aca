import { describe, expect, it } from "vitest";
import { zeroHash } from "viem";
import { reportHashOf, reviewErrors } from "./review.ts";

const HASH = `0x${"ab".repeat(32)}`;

describe("reviewErrors", () => {
  it("accepts a score with or without a report hash when not verified", () => {
    expect(reviewErrors({ score: 4, verified: false, reportHash: "" })).toEqual({});
    expect(reviewErrors({ score: 1, verified: true, reportHash: HASH })).toEqual({});
  });

  it.each([undefined, 0, 6, 2.5])("refuses the score %j", (score) => {
    expect(reviewErrors({ score, verified: false, reportHash: "" }).score).toBe(
      "Give a score from 1 to 5.",
    );
  });

  it("refuses a malformed hash, and a verified review without one", () => {
    expect(reviewErrors({ score: 5, verified: false, reportHash: "0x12" }).reportHash).toMatch(
      /64 hexadecimal digits/,
    );
    expect(reviewErrors({ score: 5, verified: true, reportHash: "" }).reportHash).toMatch(
      /verified review carries the report hash/,
    );
    expect(reviewErrors({ score: 5, verified: true, reportHash: zeroHash }).reportHash).toMatch(
      /verified review carries/,
    );
  });

  it("posts the zero hash when none was given", () => {
    expect(reportHashOf({ score: 3, verified: false, reportHash: " " })).toBe(zeroHash);
    expect(
      reportHashOf({
        score: 3,
        verified: true,
        reportHash: HASH.toUpperCase().replace("0X", "0x"),
      }),
    ).toBe(HASH);
  });
});
