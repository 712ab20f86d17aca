// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Why a lease ended. Stored in the lease and emitted in `LeaseEnded`.
enum EndReason {
    None,
    Expired,
    BuyerTerminated,
    ProviderTerminated,
    NoShowCancelled,
    OutageUnresolved,
    Unfunded
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

/// @notice The reserved-capacity terms an offer may set when it is created (`createReservedOffer`); they never
/// change afterwards, so every lease of the offer keeps them. A zero field means "not offered".
struct ReservedTerms {
    uint256 prepaidWindow; // seconds: a rolling lease prepays at least this much (or its whole term if shorter)
    uint256 commitment; // seconds from activation: the minimum term; an earlier exit by the buyer costs the below
    uint256 noticePeriod; // seconds of billed notice an early exit costs (or)
    uint256 exitFeeBps; // exit fee in bps of the remaining committed value, at most MAX_EXIT_FEE_BPS
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
    uint120 minProviderBond; // in the payment token
    bool hasTerms; // the offer has {OfferTerms}: rolling prepayment, a commitment, or both
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
/// no slot of its own. `flags` says which side records exist: FLAG_OUTAGE (an {Outage} record), FLAG_TERMS (a
/// {LeaseTerms} record) and FLAG_ROLLING (the term in that record is longer than what is funded). Only flagged
/// records are read, so a plain lease keeps two slots and its gas.
struct Lease {
    // slot 0
    address buyer;
    uint32 offerId;
    uint16 units;
    uint40 start; // activation deadline while pending; activation time once active
    uint8 phase; // 0 none, 1 pending, 2 active, 2 + EndReason once ended
    // slot 1
    uint32 duration; // paid (for a rolling lease: funded) seconds
    uint96 pricePerGpuHour; // locked at open
    uint104 settled; // gross amount already paid out to the provider (fee included)
    uint8 flags; // FLAG_OUTAGE | FLAG_TERMS | FLAG_ROLLING
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

/// @notice A provider's record. Bonds are per token, in {Bond}.
struct Provider {
    bool registered;
}

/// @notice A provider's bond in one token. Each pending or active lease reserves its penalty out of the bond in its
/// payment token when it opens, so the bond that live leases depend on can neither be withdrawn nor promised twice
/// — not even by a provider leasing its own offer from another address and refusing the lease to collect the
/// penalty itself.
struct Bond {
    uint128 amount;
    uint128 locked; // penalties reserved for the provider's pending and active leases in this token
}

/// @notice An offer's reserved-capacity terms, as stored (see {ReservedTerms}).
struct OfferTerms {
    uint32 prepaidWindow;
    uint32 commitment;
    uint32 noticePeriod;
    uint16 exitFeeBps;
}

/// @notice A lease's third slot, written when the lease is rolling, on a committed offer, reserves more than the
/// offer's penalty floor, or had servers released or failed.
struct LeaseTerms {
    uint104 penalty; // the penalty the lease still reserves out of its provider's bond, in the lease's token
    uint104 frozen; // gross earned outside units x time: released or failed servers' service, and exit charges
    uint32 term; // a rolling lease's term in seconds (its funded seconds are the lease's `duration`)
}

/// @notice A buyer's standing allowance for top-ups of one rolling lease, which anyone may execute.
struct TopUpAllowance {
    uint104 perTopUp; // the most one top-up may pull; zero when no allowance is set (or it was revoked)
    uint104 remaining; // what all further top-ups may still pull together
    uint32 runwayThreshold; // a top-up may run only while the funded runway is shorter than this (seconds)
}

/// @notice A lease's reserved-capacity state, decoded, for reads.
struct LeaseTermsView {
    bool rolling; // funded time may be shorter than the term
    bool committed; // the offer sets a commitment
    uint256 term; // seconds; the paid duration for a lease that is not rolling
    uint256 fundedUntil; // when its funding runs out (zero while pending)
    uint256 graceEnds; // when the provider may end it as Unfunded (zero unless rolling and active)
    uint256 commitmentEnds; // when an exit stops costing anything (zero when not committed or pending)
    uint256 exitEscrow; // escrowed exit terms of a committed rolling lease
    uint256 exitChargeNow; // what terminating now would charge the buyer under the commitment
    uint256 penalty; // what the lease reserves out of the bond, and pays the buyer if the provider fails it
    uint256 frozen; // earned by released or failed servers and exit charges
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
