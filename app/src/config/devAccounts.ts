import type { Address } from "viem";

/**
 * Hardhat's default accounts that `npm run dev` seeds (scripts/dev.ts): they exist, funded, on the local chain only.
 * Their keys are public, so the app offers them only while connected to chain 31337.
 */
export interface DevAccount {
  index: number;
  address: Address;
  role: string;
}

export const DEV_ACCOUNTS: readonly DevAccount[] = [
  { index: 1, address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", role: "Seeded provider" },
  { index: 15, address: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71", role: "Seeded buyer" },
  // The market's published auditor on the local chain (sdk/src/eas/auditors.ts): attests audits at /audit.
  { index: 17, address: "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E", role: "Seeded auditor" },
  {
    index: 19,
    address: "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199",
    role: "Buyer, not yet a provider",
  },
];
