/**
 * Credited payouts (issue #11): when the market cannot deliver a refund, a penalty or earnings (a blocklisted
 * address, a paused token, a contract that refuses), it credits the amount instead, and only the credited address
 * can withdraw it. `credits` lists them, `credits withdraw` takes one token's credit out.
 */
import type { Address } from "viem";
import {
  credits as readCredits,
  formatTokenAmount,
  getMarketConfig,
  paymentTokens,
  withdrawCredit,
} from "@gridlease/sdk";
import { defineCommand, type Command } from "../command.ts";
import { parseAddressArg, required } from "../args.ts";
import { confirm, type Context } from "../context.ts";
import { CliError, EXIT } from "../exit.ts";
import { resolveToken } from "../offers.ts";

/** A token by symbol or address: the market's payment tokens and its bond token (GRID, for penalties). */
async function tokenArg(c: Context, raw: string): Promise<Address> {
  const { bondToken } = await getMarketConfig(c.client, { market: c.market });
  if ((await c.token(bondToken)).symbol.toLowerCase() === raw.toLowerCase()) return bondToken;
  return resolveToken(c, raw);
}

const list = defineCommand({
  name: "credits",
  summary: "Show what the market credited you when a payout to you failed (per token)",
  help: `[--token T] [--address ADDRESS]

  --token T          one token (symbol or address); default: every payment token and GRID
  --address ADDRESS  whose credits to show (default: your account)`,
  options: { token: { type: "string" }, address: { type: "string" } },
  async run({ values, out, connect }) {
    const address = values.address ? parseAddressArg(values.address, "--address") : undefined;
    const c = await connect();
    const account = address ?? (await c.wallet()).account.address;
    let tokens: Address[];
    if (values.token) tokens = [await tokenArg(c, values.token)];
    else {
      const { bondToken } = await getMarketConfig(c.client, { market: c.market });
      tokens = [...(await paymentTokens(c.client, { market: c.market })), bondToken];
      tokens = tokens.filter((t, i) => tokens.indexOf(t) === i);
    }
    const rows = [];
    for (const token of tokens) {
      const t = await c.token(token);
      const amount = await readCredits(c.client, { market: c.market, token, account });
      rows.push({ token, symbol: t.symbol, amount, formatted: formatTokenAmount(amount, t) });
    }
    const owed = rows.filter((r) => r.amount > 0n);
    out.result({ account, credits: rows }, () =>
      owed.length === 0
        ? `No credits for ${account}.`
        : [
            `Credits of ${account} (withdraw with \`gridlease credits withdraw --token SYMBOL\`):`,
            ...owed.map((r) => `  ${r.symbol}: ${r.formatted}`),
          ].join("\n"),
    );
  },
});

const withdraw = defineCommand({
  name: "credits withdraw",
  summary: "Withdraw your credit in one token (to your own address only)",
  help: "--token T\n\n  --token T  token symbol or address",
  options: { token: { type: "string" } },
  async run({ values, out, connect }) {
    const raw = required(values.token, "--token");
    const c = await connect();
    const token = await tokenArg(c, raw);
    const t = await c.token(token);
    c.errorContext = { ...c.errorContext, token: t };
    const w = await c.wallet();
    const owed = await readCredits(c.client, {
      market: c.market,
      token,
      account: w.account.address,
    });
    if (owed === 0n)
      throw new CliError(
        EXIT.NOT_FOUND,
        `${w.account.address} has no credit in ${t.symbol}: nothing to withdraw.`,
        "Market_NoCredit",
      );
    const mined = await confirm(c, `Withdrawing ${formatTokenAmount(owed, t)}`, () =>
      withdrawCredit(w, { market: c.market, token }),
    );
    out.result(
      { account: w.account.address, token, amount: mined.amount, tx: mined.hash },
      () => `Withdrew ${formatTokenAmount(mined.amount, t)} to ${w.account.address}.`,
    );
  },
});

export const creditCommands: Command[] = [list, withdraw];
