/** Token amounts on screen: short in tables and cards, exact in the title, and "…" while the token loads. */
import {
  formatTokenAmount,
  formatTokenAmountShort,
  knownTokenDisplay,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useTokenInfo } from "../hooks/useToken.ts";

/** The exact amount as text, or "…" while the token's decimals are not known yet. */
export const amountText = (value: bigint, token: TokenDisplay | undefined): string =>
  token ? formatTokenAmount(value, token) : "…";

/** A short amount ("$1,234.57") whose title is the exact one, for tables and cards. */
export function Amount({
  value,
  token,
  digits,
}: {
  value: bigint | string;
  token: TokenDisplay | undefined;
  digits?: number;
}) {
  const exact = typeof value === "string" ? BigInt(value) : value;
  return (
    <span className="num" title={formatTokenAmount(exact, token)}>
      {formatTokenAmountShort(value, token, { digits })}
    </span>
  );
}

interface TokenAmountProps {
  value: bigint | string;
  /** The token's address. */
  token: string;
  digits?: number;
}

/** An amount of a token given by address; the deployments' own tokens take no hook at all (cheap in long lists). */
export function TokenAmount(props: TokenAmountProps) {
  const known = knownTokenDisplay(props.token);
  if (known) return <Amount value={props.value} token={known} digits={props.digits} />;
  return <ChainTokenAmount {...props} />;
}

function ChainTokenAmount({ value, token, digits }: TokenAmountProps) {
  const info = useTokenInfo(token).data;
  return <Amount value={value} token={info} digits={digits} />;
}

/** A token's symbol, or its short address while unknown. */
export function TokenSymbol({ token }: { token: string }) {
  const info = useTokenInfo(token).data;
  return <span title={token}>{info?.symbol ?? `${token.slice(0, 6)}…${token.slice(-4)}`}</span>;
}
