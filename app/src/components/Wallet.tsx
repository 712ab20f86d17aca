import { useEffect, useRef, useState } from "react";
import {
  useAccount,
  useChainId,
  useConnect,
  useConnectors,
  useDisconnect,
  useSwitchChain,
} from "wagmi";
import { explainError } from "@gridlease/sdk";
import { chains, localChain } from "../config/wagmi.ts";

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/** Chain switcher: switches the wallet when connected, else the chain the app reads from. */
export function ChainSwitcher() {
  const chainId = useChainId();
  const { switchChain, isPending, error } = useSwitchChain();
  return (
    <label className="chain-switcher">
      <span className="sr-only">Network</span>
      <select
        aria-label="Network"
        value={chainId}
        disabled={isPending}
        onChange={(e) =>
          switchChain({ chainId: Number(e.target.value) as (typeof chains)[number]["id"] })
        }
        title={error ? explainError(error).message : undefined}
      >
        {chains.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Connect / account menu: EIP-6963 wallets, WalletConnect (when configured) and, on the local chain, dev accounts. */
export function WalletMenu() {
  const { address, connector, isConnected } = useAccount();
  const chainId = useChainId();
  const connectors = useConnectors();
  const { connect, isPending, error, reset } = useConnect();
  const { disconnect } = useDisconnect();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener("keydown", onKey);
    window.addEventListener("mousedown", onClick);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  const injected = connectors.filter((c) => c.type === "injected");
  const others = connectors.filter((c) => c.type !== "injected" && c.type !== "dev");
  const dev = chainId === localChain.id ? connectors.filter((c) => c.type === "dev") : [];

  if (isConnected && address)
    return (
      <div className="wallet" ref={ref}>
        <button
          type="button"
          className="button secondary"
          aria-haspopup="true"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          <span className="dot-ok" aria-hidden="true" />{" "}
          <span className="mono">{short(address)}</span>
        </button>
        {open && (
          <div className="menu" role="menu">
            <p className="muted small">Connected with {connector?.name}</p>
            <p className="mono small">{address}</p>
            <button
              type="button"
              role="menuitem"
              className="button secondary"
              onClick={() => {
                disconnect();
                setOpen(false);
              }}
            >
              Disconnect
            </button>
          </div>
        )}
      </div>
    );

  return (
    <div className="wallet" ref={ref}>
      <button
        type="button"
        className="button"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => {
          reset();
          setOpen(!open);
        }}
      >
        {isPending ? "Connecting…" : "Connect wallet"}
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Choose a wallet">
          {injected.length + others.length === 0 && (
            <p className="muted small">
              No browser wallet found. Install MetaMask, Rabby or another EIP-6963 wallet
              {chainId === localChain.id ? ", or use a dev account below." : "."}
            </p>
          )}
          {[...injected, ...others].map((c) => (
            <button
              key={c.uid}
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => connect({ connector: c, chainId })}
            >
              {c.icon && <img src={c.icon} alt="" width={18} height={18} />} {c.name}
            </button>
          ))}
          {dev.length > 0 && (
            <>
              <p className="menu-heading">Dev accounts (local chain only)</p>
              {dev.map((c) => (
                <button
                  key={c.uid}
                  type="button"
                  role="menuitem"
                  className="menu-item"
                  onClick={() => connect({ connector: c, chainId })}
                >
                  {c.name}
                </button>
              ))}
            </>
          )}
          {error && (
            <p className="error small" role="alert">
              {explainError(error).message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
