/** Where the app finds the chain and the indexer. Vite bakes `VITE_*` variables in at build time. */
export const env = {
  /** JSON-RPC of the local chain (`npm run dev` starts `hardhat node` here). */
  localRpcUrl: import.meta.env.VITE_RPC_URL ?? "http://127.0.0.1:8545",
  /** Ponder's HTTP API (GraphQL at /graphql). */
  indexerUrl: (import.meta.env.VITE_INDEXER_URL ?? "http://127.0.0.1:42069").replace(/\/$/, ""),
  /** WalletConnect Cloud project id: WalletConnect is offered only when it is set. */
  walletConnectProjectId: import.meta.env.VITE_WALLETCONNECT_PROJECT_ID as string | undefined,
  /** Base Sepolia JSON-RPC (public endpoint unless set). */
  baseSepoliaRpcUrl: import.meta.env.VITE_BASE_SEPOLIA_RPC_URL as string | undefined,
} as const;
