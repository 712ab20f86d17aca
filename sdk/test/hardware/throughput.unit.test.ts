/**
 * The seeded throughput check's protocol and verdict, without timing anything: answers are built here (or by the
 * CPU program in the CLI tests) with given seconds, and the checks must catch wrong rows, missing GPUs and
 * speeds below the listed model's, scaled down in CPU mode.
 */
import { describe, expect, it } from "vitest";
import {
  checkThroughput,
  CPU_MODE_SCALE,
  gpuModelSpec,
  HardwareReportError,
  matrixEntry,
  MIN_PEAK_FRACTION,
  newThroughputRequest,
  parseThroughputResponse,
  productRows,
  rowHash,
  seedWord,
  THROUGHPUT_PROTOCOL,
  type ThroughputRequest,
  type ThroughputResponse,
} from "../../src/hardware/index.ts";

/** An honest answer for `request`, every GPU taking `seconds`. */
function honest(
  request: ThroughputRequest,
  seconds: number[],
  device: "cuda" | "cpu" = "cuda",
): ThroughputResponse {
  const all = Array.from({ length: request.n }, (_, i) => i);
  return {
    protocol: THROUGHPUT_PROTOCOL,
    implementation: device === "cuda" ? "torch-cuda" : "numpy-cpu",
    device,
    n: request.n,
    iterations: request.iterations,
    gpus: seconds.map((s, gpu) => ({
      gpu,
      seconds: s,
      rowHashes: productRows(seedWord(request.seed, gpu), request.n, all).map(rowHash),
    })),
  };
}

const request = {
  ...newThroughputRequest({ gpus: 2, n: 16, iterations: 10 }),
  seed: `0x${"ab".repeat(32)}` as const,
};
const flops = 2 * 16 ** 3 * 10;
/** Seconds that give `tflops` for the request's work. */
const at = (tflops: number) => flops / (tflops * 1e12);

describe("throughput check", () => {
  it("draws -1, 0 and 1 from the seed, differently per GPU", () => {
    const w0 = seedWord(request.seed, 0);
    const values = new Set(Array.from({ length: 64 }, (_, j) => matrixEntry(w0, 0, 16, 0, j)));
    expect([...values].sort()).toEqual([-1, 0, 1]);
    expect(seedWord(request.seed, 1)).not.toBe(w0);
    expect(productRows(w0, 16, [3])[0]).not.toEqual(
      productRows(seedWord(request.seed, 1), 16, [3])[0],
    );
  });

  it("passes an H100 at 700 TFLOPS and fails a consumer card posing as one at 160", () => {
    const ok = checkThroughput({
      request,
      response: honest(request, [at(700), at(700)]),
      listedModel: "H100-SXM-80GB",
      expectedGpus: 2,
    });
    expect(ok.match).toBe(true);
    expect(ok.gpus[0].tflops).toBeCloseTo(700, 6);
    expect(ok.gpus[0].expectedMinTflops).toBeCloseTo(989.4 * MIN_PEAK_FRACTION, 6);
    expect(ok.implementationTested).toBe(false);
    expect(ok.note).toMatch(/untested until it has run on a GPU machine/);
    const fake = checkThroughput({
      request,
      response: honest(request, [at(160), at(160)]),
      listedModel: "H100-SXM-80GB",
      expectedGpus: 2,
    });
    expect(fake.match).toBe(false);
    expect(fake.differences.map((d) => d.field)).toEqual([
      "throughput.gpu[0].tflops",
      "throughput.gpu[1].tflops",
    ]);
    // The same speed is fine for the model the card is.
    expect(
      checkThroughput({
        request,
        response: honest(request, [at(160), at(160)]),
        listedModel: "RTX4090-24GB",
        expectedGpus: 2,
      }).match,
    ).toBe(true);
  });

  it("scales the expectation in CPU mode and says so", () => {
    const slowCpu = at(
      gpuModelSpec("H100-SXM-80GB")!.peakDenseFp16Tflops * MIN_PEAK_FRACTION * CPU_MODE_SCALE * 2,
    );
    const v = checkThroughput({
      request,
      response: honest(request, [slowCpu, slowCpu], "cpu"),
      listedModel: "H100-SXM-80GB",
      expectedGpus: 2,
    });
    expect(v).toMatchObject({ match: true, device: "cpu", implementationTested: true });
    expect(v.note).toMatch(/CPU mode.*scaled by 1e-9/);
    const tooSlow = at((989.4 * MIN_PEAK_FRACTION * CPU_MODE_SCALE) / 2);
    expect(
      checkThroughput({
        request,
        response: honest(request, [tooSlow, tooSlow], "cpu"),
        listedModel: "H100-SXM-80GB",
        expectedGpus: 2,
      }).match,
    ).toBe(false);
  });

  it("catches a skipped or wrong row when it is sampled, and a missing GPU", () => {
    const response = honest(request, [at(700), at(700)]);
    response.gpus[1].rowHashes[5] = "00".repeat(32);
    const v = checkThroughput({
      request,
      response,
      listedModel: "H100-SXM-80GB",
      expectedGpus: 2,
      rows: () => [2, 5, 9],
    });
    expect(v.match).toBe(false);
    expect(v.gpus[1].rowsWrong).toEqual([5]);
    expect(v.gpus[0].rowsWrong).toEqual([]);
    const one = { ...honest(request, [at(700)]) };
    expect(
      checkThroughput({ request, response: one, listedModel: "H100-SXM-80GB", expectedGpus: 2 })
        .differences,
    ).toContainEqual({
      field: "throughput.gpus",
      expected: "2",
      actual: "1",
    });
  });

  it("bounds the machine's claims with the buyer's own clock", () => {
    const v = checkThroughput({
      request,
      response: honest(request, [at(700), at(700)]),
      listedModel: "H100-SXM-80GB",
      expectedGpus: 2,
      wallSeconds: 2,
    });
    expect(v.wallClockTflops).toBeCloseTo((flops * 2) / 2 / 1e12, 12);
  });

  it("names a malformed answer", () => {
    const good = JSON.stringify(honest(request, [1, 1]));
    expect(parseThroughputResponse(`noise\n${good}`, request).gpus).toHaveLength(2);
    for (const text of [
      "",
      "{",
      JSON.stringify({ protocol: "x" }),
      good.replace('"n":16', '"n":17'),
      good.replace(/"rowHashes":\[[^\]]*\]/, '"rowHashes":[]'),
    ]) {
      expect(() => parseThroughputResponse(text, request)).toThrow(HardwareReportError);
    }
  });
});
