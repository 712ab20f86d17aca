// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Why a lease ended. Stored in the lease and emitted in `LeaseEnded`.
enum EndReason {
    None,
    Expired,
    BuyerTerminated,
    ProviderTerminated,
    NoShowCancelled,
    OutageUnresolved
}

/// @notice The status of a lease as seen from outside: `Expired` is derived (active and past its end).
enum LeaseStatus {
    None,
    Pending,
    Active,
    Expired,
    Ended
}

/// @notice What a provider fills in to list capacity. Prices are in payment-token base units per GPU-hour.
struct OfferParams {
    bytes32 gpuModel; // ASCII label, e.g. "H100-SXM-80GB"
    uint256 gpusPerUnit; // GPUs in one unit (a unit is a server), 1..MAX_GPUS_PER_UNIT
    uint256 totalUnits; // servers offered, 1..MAX_UNITS
    bytes8 region; // ISO 3166-2 style code, e.g. "AU-QLD"
    address paymentToken;
    uint256 pricePerGpuHour;
    uint256 minDuration; // seconds
    uint256 maxDuration; // seconds
    uint256 repairWindow; // seconds the provider has to resolve an outage, MIN_REPAIR_WINDOW..MAX_REPAIR_WINDOW
    uint256 minProviderBond; // marketplace-token base units the provider must hold for leases to open
    address buyerPolicy; // zero for "anyone may lease"
    bytes32 specHash; // keccak256 of the spec JSON (CPU, RAM, NVMe, interconnect)
    string specURI;
}

/// @notice An offer in storage. Packed so that `openLease` reads three slots and writes one.
struct Offer {
    // slot 0
    address provider;
    uint16 gpusPerUnit;
    uint16 totalUnits;
    uint16 unitsInUse; // units of pending and active (including expired, not yet closed) leases
    bool paused;
    bool hasPolicy;
    uint32 maxDuration;
    // slot 1
    address paymentToken;
    uint96 pricePerGpuHour;
    // slot 2
    uint32 minDuration;
    uint128 minProviderBond;
    bytes8 region;
    uint8 tokenIndex; // the payment token's bit in the market's allowed-token bitmap
    uint24 repairWindow; // seconds to resolve an outage; copied into the outage when it is reported
    // slot 3
    address buyerPolicy;
    // slot 4
    bytes32 gpuModel;
    // slot 5
    bytes32 specHash;
}

/// @notice A lease in storage: two slots, so that opening one costs two fresh SSTOREs.
/// @dev `duration` is the paid duration: set at open, grown by extensions, cut when the lease ends early so that
/// the lease's end is its end time. The escrowed deposit of a live lease is always derived from it, so it needs
/// no slot of its own. A lease that ever had an outage report sets `hadOutage`; only then is its {Outage} record
/// read, so outage-free leases keep two slots and their gas.
struct Lease {
    // slot 0
    address buyer;
    uint32 offerId;
    uint16 units;
    uint40 start; // activation deadline while pending; activation time once active
    uint8 phase; // 0 none, 1 pending, 2 active, 2 + EndReason once ended
    // slot 1
    uint32 duration;
    uint96 pricePerGpuHour; // locked at open
    uint104 settled; // gross amount already paid out to the provider (fee included)
    bool hadOutage; // an {Outage} record exists for this lease
    uint16 feeBps; // locked at open
}

/// @notice A lease's outages, in one slot beside the lease (see {Lease}). Billing is in unit-seconds: each leased
/// server bills its own seconds of service, so `downUnits` servers down stop billing for those servers only.
struct Outage {
    uint40 since; // when the open outage (or its last raise) began; zero when none is open
    uint40 deadline; // the open (or last) outage's repair deadline
    uint40 lastResolved; // when the last outage was resolved; zero before any
    uint16 downUnits; // servers down in the open outage
    uint8 reports; // reports filed on this lease, at most MAX_OUTAGE_REPORTS
    uint32 extension; // seconds the lease's end moved later for resolved downtime: floor(downUnitSeconds / units)
    uint64 downUnitSeconds; // down unit-seconds of resolved outages and of raises (the open part is not in it)
}

/// @notice A provider's record. Bond is in the marketplace token.
/// @dev Each pending or active lease reserves its penalty out of the bond when it opens, so the bond that live
/// leases depend on can neither be withdrawn nor promised twice — not even by a provider leasing its own offer
/// from another address and refusing the lease to collect the penalty itself.
struct Provider {
    // slot 0
    uint128 bond;
    uint128 lockedBond; // penalties reserved for the provider's pending and active leases
    // slot 1
    bool registered;
}

/// @notice An offer's latest NVIDIA attestation claim: the hash of the report its provider published, and when.
/// The report and its certificate chain are only in the {OfferAttestationPublished} event: the market cannot check
/// a P-384 signature, so clients verify those bytes themselves.
struct OfferAttestation {
    // slot 0
    bytes32 reportHash; // keccak256 of the report; zero when the offer has no claim
    // slot 1
    uint40 publishedAt; // block timestamp of the publication
    uint64 nonceBlock; // the block whose hash the report's nonce is bound to
    uint8 generation; // 1 Hopper, 2 Blackwell
}

/// @notice Everything about one lease, decoded, for reads by apps and scripts.
struct LeaseView {
    uint256 leaseId;
    uint256 offerId;
    address buyer;
    address provider;
    address paymentToken;
    uint256 units;
    uint256 gpusPerUnit;
    uint256 pricePerGpuHour;
    uint256 feeBps;
    uint256 duration;
    uint256 start; // zero while pending
    uint256 end; // zero while pending
    uint256 activationDeadline; // zero once active
    uint256 deposit; // escrow owed for the billed duration (after an early end: what was accrued)
    uint256 accrued; // gross amount earned up to now
    uint256 settled; // gross amount already paid out
    uint256 claimable; // accrued - settled
    LeaseStatus status;
    EndReason endReason;
    uint256 downUnits; // servers down in the open outage; zero when none is open
    uint256 repairDeadline; // the open outage's repair deadline; zero when none is open
    uint256 downUnitSeconds; // down unit-seconds so far, the open outage's included
    uint256 outageReports; // outage reports filed on this lease
}
