// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OfferParams, ReservedTerms} from "../types/DataTypes.sol";
import {IGridleaseMarketEvents} from "./IGridleaseMarketEvents.sol";

/// @title IGridleaseMarketExtension
/// @notice The part of the market's interface that its extension serves: provider profiles and bonds, offers and
/// their settings, access rotation, outage resolution, and the reserved-capacity operations (top-up allowances and
/// their execution, per-server ends, the Unfunded end). The core delegates these calls to the extension, which runs
/// them on the core's storage, so they are called on the market's address like the rest.
interface IGridleaseMarketExtension is IGridleaseMarketEvents {
    /*//////////////////////////////////////////////////////////////
                           PROVIDERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers the caller as a provider with a metadata URI (name, sites, contact: whatever it wants public).
    /// Emits a {ProviderRegistered} event.
    /// Requirements:
    /// - The caller is not yet registered.
    /// @param metadataURI Where the provider's public profile is; not stored, only emitted.
    function registerProvider(string calldata metadataURI) external;

    /// @notice Replaces the caller's metadata URI.
    /// Emits a {ProviderUpdated} event.
    /// Requirements:
    /// - The caller is registered.
    /// @param metadataURI The new profile URI; not stored, only emitted.
    function updateProvider(string calldata metadataURI) external;

    /// @notice Adds `amount` of `token` to the caller's bond in that token. A lease's penalty is reserved from, and
    /// paid out of, its provider's bond in the lease's payment token.
    /// Emits a {BondDeposited} event.
    /// Requirements:
    /// - The caller is registered; `token` is an allowed payment token (GRID is one); `amount` > 0; the
    ///   token arrives in full; `amount` and the new bond fit in uint128.
    /// @param token The token of the bond.
    /// @param amount Base units pulled from the caller (it must have approved the market).
    function depositBond(address token, uint256 amount) external;

    /// @notice Withdraws `amount` of the caller's bond in `token`.
    /// Emits a {BondWithdrawn} event.
    /// Requirements:
    /// - `amount` > 0 and at most the bond.
    /// - `amount` is at most the free bond: the penalties reserved by the caller's pending and active leases stay.
    /// Notes:
    /// - Works while the market is paused, and for a token no longer allowed (`Market_TokenNotAllowed` only for
    ///   one never listed).
    /// @param token The token of the bond.
    /// @param amount Base units sent back to the caller.
    function withdrawBond(address token, uint256 amount) external;

    /*//////////////////////////////////////////////////////////////
                             OFFERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Lists capacity.
    /// Emits an {OfferCreated} event.
    /// Requirements:
    /// - The market is not paused; the caller is registered; the payment token is allowed.
    /// - 1 <= gpusPerUnit <= MAX_GPUS_PER_UNIT; 1 <= totalUnits <= MAX_UNITS; 0 < price <= type(uint96).max.
    /// - 0 < minDuration <= maxDuration <= MAX_LEASE_DURATION; minProviderBond (in the payment token) fits in
    ///   uint120.
    /// - MIN_REPAIR_WINDOW <= repairWindow <= MAX_REPAIR_WINDOW.
    /// - gpuModel and region are not empty; buyerPolicy is zero or a contract.
    /// @param params The offer's terms; see {OfferParams}.
    /// @return offerId The new offer's id (ids run from 1).
    function createOffer(OfferParams calldata params) external returns (uint256 offerId);

    /// @notice Lists capacity with reserved-capacity terms, which never change: a prepaid window (leases may be
    /// rolling: `openRollingLease`), a commitment with early-exit terms, or both.
    /// Emits {OfferCreated} and {OfferTermsSet}.
    /// Requirements:
    /// - Those of `createOffer`.
    /// - prepaidWindow is zero or MIN_PREPAID_WINDOW..maxDuration (`Market_InvalidPrepaidWindow`).
    /// - commitment is zero (then no notice and no fee) or at most minDuration, with exactly one of a notice period
    ///   (1..commitment seconds) or an exit fee (1..MAX_EXIT_FEE_BPS); a window or a commitment is set
    ///   (`Market_InvalidCommitment`).
    function createReservedOffer(
        OfferParams calldata params,
        ReservedTerms calldata terms
    ) external returns (uint256 offerId);

    /// @notice Sets the price per GPU-hour for leases opened from now on. Open leases keep their price.
    /// Emits an {OfferPriceChanged} event.
    /// Requirements:
    /// - The caller is the offer's provider; 0 < newPrice <= type(uint96).max.
    /// @param offerId The offer to reprice.
    /// @param newPrice Payment-token base units per GPU-hour.
    function setOfferPrice(uint256 offerId, uint256 newPrice) external;

    /// @notice Sets the offer's total units.
    /// Emits an {OfferUnitsChanged} event.
    /// Requirements:
    /// - The caller is the offer's provider; newTotalUnits is at least the units in use and at most MAX_UNITS.
    /// @param offerId The offer to resize.
    /// @param newTotalUnits The number of units (servers) the offer holds from now on.
    function setOfferUnits(uint256 offerId, uint256 newTotalUnits) external;

    /// @notice Stops (`paused` true) or resumes new leases on an offer. Open leases are unaffected.
    /// Emits an {OfferPausedSet} event.
    /// Requirements:
    /// - The caller is the offer's provider; the offer is not already in that state.
    /// @param offerId The offer to pause or resume.
    /// @param paused True to stop new leases, false to allow them again.
    function setOfferPaused(uint256 offerId, bool paused) external;

    /// @notice Sets the repair window for outages reported from now on; open outages keep their deadline.
    /// Emits an {OfferRepairWindowSet} event.
    /// Requirements:
    /// - The caller is the offer's provider; MIN_REPAIR_WINDOW <= `window` <= MAX_REPAIR_WINDOW.
    /// @param offerId The offer.
    /// @param window Seconds the provider has to resolve an outage.
    function setOfferRepairWindow(uint256 offerId, uint256 window) external;

    /*//////////////////////////////////////////////////////////////
                             LEASES
    //////////////////////////////////////////////////////////////*/

    /// @notice Posts new encrypted connection details for an active lease.
    /// Emits a {LeaseAccessRotated} event.
    /// Requirements:
    /// - The lease exists; the caller is its provider; it is active and not expired; payload as in `activateLease`.
    /// @param leaseId The lease whose access changes.
    /// @param encryptedAccess The new connection details, sealed to the buyer's public key.
    function rotateAccess(uint256 leaseId, bytes calldata encryptedAccess) external;

    /*//////////////////////////////////////////////////////////////
                       RESERVED CAPACITY
    //////////////////////////////////////////////////////////////*/

    /// @notice Grants a standing allowance for top-ups of a rolling lease, which anyone (the provider's agent, a
    /// keeper) may then execute within it, pulling from the caller's wallet at the locked price. Replaces any
    /// earlier allowance of the lease. The caller must also approve the market for the token (or use the permit
    /// variant).
    /// Emits a {TopUpAllowanceSet} event.
    /// Requirements:
    /// - The caller is the lease's buyer; the lease is rolling and pending or active.
    /// - 0 < perTopUp <= totalCap <= type(uint104).max; 0 < runwayThreshold <= MAX_LEASE_DURATION.
    function setTopUpAllowance(
        uint256 leaseId,
        uint256 perTopUp,
        uint256 totalCap,
        uint256 runwayThreshold
    ) external;

    /// @notice `setTopUpAllowance` after an EIP-2612 permit of the payment token for the market (a permit that
    /// fails, e.g. already used, is ignored: the allowance it would give may already be there).
    function setTopUpAllowanceWithPermit(
        uint256 leaseId,
        uint256 perTopUp,
        uint256 totalCap,
        uint256 runwayThreshold,
        uint256 permitValue,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Revokes the lease's top-up allowance. Works while the market is paused.
    /// Emits a {TopUpAllowanceRevoked} event.
    /// Requirements:
    /// - The caller is the lease's buyer; an allowance is set (`Market_TopUpNotAllowed`).
    function revokeTopUpAllowance(uint256 leaseId) external;

    /// @notice Funds `addedDuration` more seconds of an active rolling lease from its buyer's wallet, within the
    /// buyer's allowance. Anyone may call it.
    /// Emits a {TopUpExecuted} event.
    /// Requirements:
    /// - An allowance is set (`Market_TopUpNotAllowed`); the lease is rolling and active.
    /// - The runway (funded end minus now, zero once unfunded) is below the allowance's threshold.
    /// - The funded time stays within the term, and the funded end within now plus the offer's prepaid window.
    /// - The amount is at most the allowance's per-top-up cap and what remains of its total.
    function executeTopUp(uint256 leaseId, uint256 addedDuration) external;

    /// @notice The buyer releases `count` servers of an active lease; the rest keep running. Their unused time is
    /// refunded, less, before the commitment is over, the exit charge for those servers; their share of the
    /// penalty (rounded down) leaves the bond reservation.
    /// Emits {ExitCharged} (when charged) and {ServersReleased}.
    /// Requirements:
    /// - The caller is the lease's buyer; the lease is active and running; 0 < count < units
    ///   (`Market_InvalidServerCount`; releasing every server is `terminateLease`).
    function releaseServers(uint256 leaseId, uint256 count) external;

    /// @notice The provider fails `count` servers of an active lease; the rest keep running. The buyer gets their
    /// unused time back and their share of the lease's penalty, rounded up (so failing servers one at a time is
    /// never cheaper than all at once); no exit charge. An open outage's down count drops by `count`.
    /// Emits a {ServersFailed} event.
    /// Requirements:
    /// - The caller is the lease's provider; the lease is active and running; 0 < count < units.
    function failServers(uint256 leaseId, uint256 count) external;

    /// @notice The provider ends a rolling lease whose funding ran out more than GRACE_PERIOD ago, with no penalty.
    /// It bills up to the funded end; before the commitment is over, the escrowed exit terms go to the provider.
    /// Emits {ExitCharged} (when charged) and {LeaseEnded} with reason Unfunded.
    /// Requirements:
    /// - The caller is the lease's provider; the lease is rolling, active and funded short of its term
    ///   (`Market_LeaseFunded`); the grace period is over (`Market_GraceNotOver`).
    function endUnfunded(uint256 leaseId) external;

    /// @notice Ends a lease whose outage the provider did not resolve in time, or that reached MAX_OUTAGE_REPORTS:
    /// the buyer gets the unused deposit back and the bond penalty. Anyone may call it.
    /// Emits a {LeaseEnded} event with reason OutageUnresolved.
    /// Requirements:
    /// - The lease exists and is active (expired or not, not yet closed).
    /// - An outage is open and its repair deadline passed before now and before the lease's end, or the lease
    ///   reached MAX_OUTAGE_REPORTS.
    /// Notes:
    /// - `terminateLease` and `closeLease` end such a lease the same way, so nobody can step around the penalty.
    /// - Works while the market is paused.
    /// @param leaseId The lease to end.
    function endUnresolvedOutage(uint256 leaseId) external;
}
