/**
 * Provider bonds, one per payment token (issue #12): a lease's penalty is reserved from, and paid out of, the bond
 * in the lease's own payment token, so a provider bonds in each token it sells in.
 */
import type { Address } from "viem";
import {
  bondOf,
  depositBond,
  ensureAllowance,
  formatTokenAmount,
  paymentTokens,
  withdrawBond,
} from "@gridlease/sdk";
import { defineCommand, type Command } from "../command.ts";
import { parseAmount, required } from "../args.ts";
import { confirm, type Context } from "../context.ts";
import { usage } from "../exit.ts";
import { resolveToken } from "../offers.ts";

/** A provider's bond in every payment token of the market, with the token's symbol and formatted amounts. */
export async function bondsOf(c: Context, provider: Address) {
  const tokens = await paymentTokens(c.client, { market: c.market });
  return Promise.all(
    tokens.map(async (address) => {
      const token = await c.token(address);
      const b = await bondOf(c.client, { market: c.market, provider, token: address });
      return {
        token: address,
        symbol: token.symbol,
        amount: b.amount,
        locked: b.locked,
        free: b.free,
        text: `${formatTokenAmount(b.amount, token)} (${formatTokenAmount(b.locked, token)} reserved by live leases)`,
      };
    }),
  );
}

function bondCommand(kind: "deposit" | "withdraw"): Command {
  return defineCommand({
    name: `provider bond ${kind}`,
    summary:
      kind === "deposit"
        ? "Add to your provider bond in a payment token (approves it first if needed)"
        : "Withdraw the free part of your provider bond in a payment token",
    help: `--token SYMBOL|ADDRESS --amount AMOUNT

  --token T        payment token of the bond (e.g. tUSD, GRID): a lease's penalty comes from your bond in the
                   lease's own payment token, so bond in each token you sell in
  --amount AMOUNT  amount in that token, e.g. 5000`,
    options: { token: { type: "string" }, amount: { type: "string" } },
    async run({ values, out, connect }) {
      const tokenRaw = required(values.token, "--token");
      const amountRaw = required(values.amount, "--amount");
      const c = await connect();
      const address = await resolveToken(c, tokenRaw);
      const token = await c.token(address);
      c.errorContext = { ...c.errorContext, token, bondToken: token };
      const amount = parseAmount(amountRaw, "--amount", token.decimals);
      if (amount === 0n) throw usage("--amount must be more than 0");
      const w = await c.wallet();
      if (kind === "deposit") {
        const { approval } = await ensureAllowance(w, {
          token: address,
          spender: c.market,
          amount,
        });
        if (approval)
          await confirm(
            c,
            `Approving ${formatTokenAmount(amount, token)} for the market`,
            async () => approval,
          );
      }
      const mined = await confirm(
        c,
        `${kind === "deposit" ? "Depositing" : "Withdrawing"} ${formatTokenAmount(amount, token)} ${kind === "deposit" ? "to" : "from"} your bond`,
        () =>
          (kind === "deposit" ? depositBond : withdrawBond)(w, {
            market: c.market,
            token: address,
            amount,
          }),
      );
      const b = await bondOf(c.client, {
        market: c.market,
        provider: w.account.address,
        token: address,
      });
      out.result(
        { token: address, amount, bond: b.amount, locked: b.locked, tx: mined.hash },
        () =>
          `Bond in ${token.symbol} is now ${formatTokenAmount(b.amount, token)} (${formatTokenAmount(b.locked, token)} reserved by live leases).`,
      );
    },
  });
}

export const bondCommands: Command[] = [bondCommand("deposit"), bondCommand("withdraw")];
