// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGridleaseMarketEvents} from "./IGridleaseMarketEvents.sol";

/// @title IGridleaseMarketCore
/// @notice The functions the market's core contract runs itself: everything that moves tokens in or out on the
/// lease path and the outage records billing depends on. The rest of the market's interface is served by its
/// extension and, through it, its periphery (see {IGridleaseMarket}).
interface IGridleaseMarketCore is IGridleaseMarketEvents {
    /*//////////////////////////////////////////////////////////////
                             LEASES
    //////////////////////////////////////////////////////////////*/

    /// @notice Leases `units` units of a rolling offer for a `term`, prepaying only `funded` seconds of it plus,
    /// under a commitment, the escrowed exit terms (the notice's cost, or the exit fee on the whole committed
    /// value). Top-ups (`extendLease`, or `executeTopUp` under the buyer's allowance) move the funded time towards
    /// the term. When funding runs out the lease is unfunded: nothing past it is billed until a top-up pays for it,
    /// and after GRACE_PERIOD its provider may end it as Unfunded (`endUnfunded`), which pays it the escrowed exit
    /// terms if the commitment was not over.
    /// Emits {LeaseOpened} (its duration is `funded`, its deposit includes the exit escrow) and
    /// {LeaseTermsRecorded}.
    /// Requirements:
    /// - Those of `openLease`, with `term` in the offer's duration range.
    /// - The offer has a prepaid window; min(window, term) <= funded <= term.
    /// - The provider's free bond covers the penalty: STAKE_PENALTY_BPS of the deposit, at least the floor.
    /// @param offerId The offer to lease from.
    /// @param units How many units (servers) to lease.
    /// @param term Seconds the lease may run, funded or not.
    /// @param funded Seconds prepaid now.
    /// @param maxPricePerGpuHour The highest price the caller accepts.
    /// @param buyerPublicKey The caller's X25519 public key.
    /// @return leaseId The new lease's id.
    function openRollingLease(
        uint256 offerId,
        uint256 units,
        uint256 term,
        uint256 funded,
        uint256 maxPricePerGpuHour,
        bytes32 buyerPublicKey
    ) external returns (uint256 leaseId);

    /// @notice Leases `units` units of an offer for `duration` seconds and pulls the deposit from the caller. The
    /// lease is pending until the provider activates it.
    /// Emits a {LeaseOpened} event.
    /// Requirements:
    /// - The market and the offer are not paused; the payment token is still allowed.
    /// - 0 < units <= units available; minDuration <= duration <= maxDuration.
    /// - The offer's price is at most `maxPricePerGpuHour` (protection against a front-run price rise).
    /// - The provider's bond in the offer's payment token is at least the offer's minimum, and its free part (not
    ///   reserved by live leases) covers this lease's penalty, which it then reserves: STAKE_PENALTY_BPS of the
    ///   deposit, at least the offer's floor (PENALTY_BPS of its minimum bond). The offer's buyer policy, if any,
    ///   allows the caller.
    /// - `buyerPublicKey` is not zero; the deposit arrives in full (fee-on-transfer tokens are rejected).
    /// Notes:
    /// - A lease on an offer with reserved terms, or whose penalty is above the floor, keeps a third slot and emits
    ///   {LeaseTermsRecorded}; under a commitment, the buyer's early exit costs its exit charge.
    /// @param offerId The offer to lease from.
    /// @param units How many units (servers) to lease.
    /// @param duration Seconds of service bought; billed per second from activation.
    /// @param maxPricePerGpuHour The highest price the caller accepts; the lease locks the offer's current price.
    /// @param buyerPublicKey The caller's X25519 public key, to which the provider encrypts the access details.
    /// @return leaseId The new lease's id (ids run from 1).
    function openLease(
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 maxPricePerGpuHour,
        bytes32 buyerPublicKey
    ) external returns (uint256 leaseId);

    /// @notice `openLease` with an EIP-2612 permit signed by the caller for the payment token, in one transaction.
    /// Emits a {LeaseOpened} event (and the token's {Approval} when the permit is used).
    /// Requirements:
    /// - As for `openLease`.
    /// Notes:
    /// - If the permit fails (for example because someone front-ran it) the call still succeeds when the
    ///   allowance already suffices.
    /// @param offerId The offer to lease from.
    /// @param units How many units (servers) to lease.
    /// @param duration Seconds of service bought.
    /// @param maxPricePerGpuHour The highest price the caller accepts.
    /// @param buyerPublicKey The caller's X25519 public key.
    /// @param permitValue The allowance the permit grants the market.
    /// @param permitDeadline The permit's expiry, a Unix time.
    /// @param v The permit signature's recovery byte.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @return leaseId The new lease's id.
    function openLeaseWithPermit(
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 maxPricePerGpuHour,
        bytes32 buyerPublicKey,
        uint256 permitValue,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 leaseId);

    /// @notice Starts a pending lease and posts the connection details, encrypted to the buyer's key. Billing
    /// starts now and the lease ends one duration later (a rolling lease: one term later, billed up to its funded
    /// end). For a lease of hundreds of servers the details are a bastion endpoint and the hash of an inventory
    /// document the buyer fetches through it (see the SDK's inventory module).
    /// Emits a {LeaseActivated} event.
    /// Requirements:
    /// - The lease exists; the caller is the lease's provider; the lease is pending; the activation deadline has
    ///   not passed.
    /// - 0 < encryptedAccess.length <= MAX_ACCESS_BYTES.
    /// @param leaseId The lease to start.
    /// @param encryptedAccess Connection details sealed to the buyer's public key.
    function activateLease(uint256 leaseId, bytes calldata encryptedAccess) external;

    /// @notice Adds `addedDuration` seconds to a pending or active lease at its locked price; the caller pays.
    /// Emits a {LeaseExtended} event.
    /// Requirements:
    /// - The lease exists and is pending, or active and not expired; `addedDuration` > 0.
    /// - `addedDuration` and the new duration are at most the offer's maximum (a rolling lease: its term; its funded
    ///   end moves from where it was, so unfunded time is paid for, never skipped); the top-up arrives in full.
    /// Notes:
    /// - Anyone may pay for anyone's lease. Works while the market is paused: pausing stops only new offers
    ///   and new leases.
    /// @param leaseId The lease to extend.
    /// @param addedDuration Seconds added to the lease.
    function extendLease(uint256 leaseId, uint256 addedDuration) external;

    /// @notice Ends a lease early. The buyer may end an active lease; the provider may end a pending or active one.
    /// The buyer gets the unused part of the deposit back; when the provider ends it, the buyer also gets the
    /// bond penalty. Under a commitment, the buyer's termination before its end costs the exit charge
    /// (`exitChargeAt`): the notice's cost or the exit fee on the remaining committed value, counted in whole hours,
    /// added to what the lease earned; once a committed rolling lease ran unfunded before the commitment's end, the
    /// whole escrowed exit. The provider never collects an exit charge when it ends the lease.
    /// Emits a {LeaseEnded} event with reason BuyerTerminated or ProviderTerminated (OutageUnresolved, with the
    /// penalty, when `endUnresolvedOutage` could end it).
    /// Requirements:
    /// - The lease exists; the caller is its buyer or provider; it is in a state that caller may end; not expired.
    /// Notes:
    /// - Works while the market is paused.
    /// @param leaseId The lease to end.
    function terminateLease(uint256 leaseId) external;

    /// @notice Cancels a lease the provider failed to activate in time: full refund plus the bond penalty.
    /// Emits a {LeaseEnded} event with reason NoShowCancelled.
    /// Requirements:
    /// - The lease exists; the caller is the buyer; the lease is pending; its activation deadline has passed.
    /// Notes:
    /// - Works while the market is paused.
    /// @param leaseId The lease to cancel.
    function cancelLease(uint256 leaseId) external;

    /// @notice Ends an expired lease and frees its units. Anyone may call it. The provider's earnings stay
    /// claimable through `claim`; the buyer gets back what outages left unbilled (nothing for a lease that never
    /// had one) and a rolling lease's escrowed exit terms. A rolling lease funded short of its term is not closed
    /// (`Market_LeaseUnfunded`): its provider ends it with `endUnfunded`.
    /// Emits a {LeaseEnded} event with reason Expired (OutageUnresolved when `endUnresolvedOutage` could end it).
    /// Requirements:
    /// - The lease exists, is active and its end has passed.
    /// @param leaseId The lease to close.
    function closeLease(uint256 leaseId) external;

    /// @notice Pays the caller the accrued, unclaimed earnings of its leases, less the protocol fee.
    /// Emits an {EarningsClaimed} event per lease that had something to claim.
    /// Requirements:
    /// - 1 <= leaseIds.length <= MAX_CLAIM_BATCH; every lease exists and the caller is its provider; something
    ///   accrued.
    /// Notes:
    /// - Leases with nothing to claim are skipped; leases in different payment tokens are paid per token.
    /// - Works while the market is paused.
    /// @param leaseIds The leases to claim from; a lease listed twice pays once.
    function claim(uint256[] calldata leaseIds) external;

    /*//////////////////////////////////////////////////////////////
                            OUTAGES
    //////////////////////////////////////////////////////////////*/

    /// @notice The buyer reports that `units` of the lease's servers are down. Billing stops for those servers at
    /// this second, until the provider resolves the outage or the lease ends.
    /// Emits an {OutageReported} event.
    /// Requirements:
    /// - The lease exists; the caller is its buyer; it is active and not expired.
    /// - 1 <= `units` <= the lease's units; while an outage is open, `units` is more than the servers already down.
    /// - Fewer than MAX_OUTAGE_REPORTS reports were filed on this lease.
    /// Notes:
    /// - The repair deadline is now plus the offer's repair window, fixed at the first report of an outage. A
    ///   report within REPORT_COOLDOWN of the last resolution keeps that outage's deadline: the clock does not
    ///   restart for a server that was "resolved" without being repaired.
    /// - Works while the market is paused.
    /// @param leaseId The lease.
    /// @param units How many of the lease's servers are down now.
    /// @param evidenceHash The buyer's evidence (a hash); not checked, only emitted.
    function reportOutage(uint256 leaseId, uint256 units, bytes32 evidenceHash) external;

    /// @notice The provider resolves the open outage: billing resumes, and the lease's end moves later by the
    /// downtime prorated over the lease's servers, so the buyer gets every unit-second it paid for.
    /// Emits an {OutageResolved} event.
    /// Requirements:
    /// - The lease exists; the caller is its provider; an outage is open; the lease is not expired; the repair
    ///   deadline has not passed; `encryptedAccess` is empty or at most MAX_ACCESS_BYTES.
    /// @param leaseId The lease.
    /// @param encryptedAccess New connection details sealed to the buyer's key, or empty to keep the current ones.
    function resolveOutage(uint256 leaseId, bytes calldata encryptedAccess) external;
}
