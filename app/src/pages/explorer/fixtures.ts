import { deployments } from "@gridlease/sdk";
import type { LeaseListItem } from "./leaseFilter.ts";

export const USD = deployments["31337"].contracts.TestUSD.address.toLowerCase();
export const GRID = deployments["31337"].contracts.GridleaseToken.address.toLowerCase();

const MODELS = ["H100-SXM-80GB", "H200-141GB", "B200-192GB", "A100-80GB", "RTX4090-24GB"];
const REGIONS = ["AU-QLD", "JP-13", "SG", "US-CA"];
const STATUSES = ["Pending", "Active", "Ended", "Ended", "Ended"];
const REASONS = ["Expired", "BuyerTerminated", "ProviderTerminated", "NoShowCancelled"];

export const addr = (n: number, prefix = "b") => `0x${prefix}${n.toString(16).padStart(39, "0")}`;

/**
 * n synthetic leases, deterministic: lease i opened at 1_700_000_000 + i * 60; pending and active ones far from
 * their deadline and end, so their status is the stored one at any time a test runs.
 */
export function syntheticLeases(n: number): LeaseListItem[] {
  const out: LeaseListItem[] = [];
  for (let i = 1; i <= n; i++) {
    const status = STATUSES[i % STATUSES.length];
    out.push({
      id: String(i),
      status,
      endReason: status === "Ended" ? REASONS[i % REASONS.length] : "None",
      gpuModel: MODELS[i % MODELS.length],
      region: REGIONS[i % REGIONS.length],
      gpus: String(8 * ((i % 4) + 1)),
      pricePerGpuHour: String(2_000_000 + (i % 7) * 100_000),
      // An active lease runs for ever here, so it never reads as term over.
      duration: String(status === "Active" ? 9_000_000_000 : 3600 * ((i % 48) + 1)),
      buyer: addr(i % 97, "b"),
      provider: addr(i % 14, "a"),
      openedAt: String(1_700_000_000 + i * 60),
      paymentToken: i % 3 === 0 ? GRID : USD,
      startTime: status === "Pending" ? null : String(1_700_000_100 + i * 60),
      activationDeadline: String(status === "Pending" ? 9_999_999_999 : 1_700_003_600 + i * 60),
      endTime: status === "Ended" ? String(1_700_000_100 + i * 60 + 3600) : null,
    });
  }
  return out;
}
