/**
 * The subgraph's per-network literals (subgraph/src/common/reference.ts: AssemblyScript cannot import the SDK) are
 * the SDK's: the schema UIDs of the generated deployments, the published auditors, the payment tokens' symbols and
 * decimals, the fees' reference rates and the 15-minute outage threshold.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deployments } from "@gridlease/sdk/deployments";
import { publishedAuditors, schemaUids } from "@gridlease/sdk/eas";
import { knownTokenDisplay } from "@gridlease/sdk/format";
import { FEE_REFERENCE_USD_MICROS, OUTAGE_MIN_SECONDS } from "@gridlease/sdk/reputation";
import { SUBGRAPH_DIR } from "./support/subgraph-runtime.ts";

const source = readFileSync(join(SUBGRAPH_DIR, "src", "common", "reference.ts"), "utf8");

/** The string literals of an array or argument list in the AssemblyScript source. */
const strings = (text: string) => [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
/** The body of `const NAME ... = <body>;` (up to the first `;`). */
function constant(name: string): string {
  const m = new RegExp(`const ${name}\\b[^=]*=\\s*([^;]*);`).exec(source);
  if (!m) throw new Error(`subgraph/src/common/reference.ts has no const ${name}`);
  return m[1]!;
}

describe("the subgraph's reference literals", () => {
  it("give each reference symbol the SDK's micro-USD rate", () => {
    const symbols = strings(constant("FEE_REFERENCE_SYMBOLS"));
    const rates = constant("FEE_REFERENCE_USD_MICROS").match(/\d+/g)!.map(BigInt);
    expect(Object.fromEntries(symbols.map((s, i) => [s, rates[i]]))).toEqual({
      ...FEE_REFERENCE_USD_MICROS,
    });
  });

  it("count outages from the SDK's threshold", () => {
    expect(BigInt(/OUTAGE_MIN_SECONDS = BigInt\.fromI32\((\d+)\)/.exec(source)![1]!)).toBe(
      OUTAGE_MIN_SECONDS,
    );
  });

  it("know the local chain's schema UIDs, published auditors and payment tokens as the SDK does", () => {
    expect(source).toContain(`if (network == "${deployments["31337"].network}") return LOCALHOST;`);
    const [audit, review, vetting, ...rest] = strings(constant("LOCALHOST"));
    expect({ audit, review, vetting }).toEqual(
      Object.fromEntries(
        Object.entries(schemaUids(31337)).map(([k, uid]) => [k, uid.toLowerCase()]),
      ),
    );
    const args = constant("LOCALHOST");
    const lists = [...args.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
    const [auditors, tokens, symbols, decimals] = lists;
    expect(strings(auditors!)).toEqual(publishedAuditors(31337).map((a) => a.toLowerCase()));
    const decimalList = decimals!.match(/\d+/g)!.map(Number);
    const subgraphTokens = strings(tokens!).map((address, i) => ({
      address,
      symbol: strings(symbols!)[i],
      decimals: decimalList[i],
    }));
    const contracts: Record<string, { address: string } | undefined> =
      deployments["31337"].contracts;
    const sdkTokens = ["GridleaseToken", "TestUSD"].map((name) => {
      const address = contracts[name]!.address.toLowerCase();
      const display = knownTokenDisplay(address)!;
      return { address, symbol: display.symbol, decimals: display.decimals };
    });
    expect(subgraphTokens).toEqual(sdkTokens);
    expect(rest).toEqual([...strings(auditors!), ...strings(tokens!), ...strings(symbols!)]);
  });
});
