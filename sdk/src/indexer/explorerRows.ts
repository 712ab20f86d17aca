/**
 * The rows of the indexer's `/explorer/*` routes as they travel over HTTP: one definition for the routes
 * (`indexer/src/api/explorer/`, which type their SQL results with it) and for the SDK's client (./explorer.ts).
 * No imports, so the indexer can read it under its own compiler settings.
 */

/** A lease as the explorer's table lists it; amounts, times and counts of GPUs are decimal strings. */
export type LeaseListRow = {
  id: string;
  /** The indexer's status: Pending, Active or Ended. */
  status: string;
  endReason: string;
  gpuModel: string;
  region: string;
  gpus: string;
  pricePerGpuHour: string;
  duration: string;
  buyer: string;
  provider: string;
  openedAt: string;
  paymentToken: string;
  startTime: string | null;
  activationDeadline: string;
  /** The end (moved by extensions and resolved outages); null before activation. */
  endTime: string | null;
};

/** An offer as the explorer lists it. */
export type OfferListRow = {
  id: string;
  provider: string;
  paymentToken: string;
  gpuModel: string;
  region: string;
  gpusPerUnit: string;
  totalUnits: string;
  unitsInUse: string;
  pricePerGpuHour: string;
  minDuration: string;
  maxDuration: string;
  paused: boolean;
  leaseCount: number;
  /** The offer's attestation claim id once one is published, else null. */
  attestation: string | null;
  createdAt: string;
};

/** A provider as the explorer lists it; GPU-seconds and amounts are decimal strings. */
export type ProviderListRow = {
  id: string;
  metadataURI: string;
  bond: string;
  offerCount: number;
  leaseCount: number;
  leasesServed: number;
  pendingLeases: number;
  activeLeases: number;
  gpuSecondsServed: string;
  gpuSecondsDown: string;
  availabilityBps: number;
  noShows: number;
  providerTerminations: number;
  openOutages: number;
  firstSeenAt: string;
  lastSeenAt: string;
};

/** A buyer as the explorer lists it. */
export type AccountListRow = {
  id: string;
  leaseCount: number;
  pendingLeases: number;
  activeLeases: number;
  gpuSecondsBought: string;
  penaltiesReceived: string;
  outageReports: number;
  firstSeenAt: string;
  lastSeenAt: string;
};
