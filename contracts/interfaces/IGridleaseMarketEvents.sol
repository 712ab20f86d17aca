// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EndReason, OfferParams} from "../types/DataTypes.sol";

/// @title IGridleaseMarketEvents
/// @notice Every event the market's address emits, from its core or its extension. Each carries enough to rebuild
/// all state without calling the contract.
interface IGridleaseMarketEvents {
    event ProviderRegistered(address indexed provider, string metadataURI);
    event ProviderUpdated(address indexed provider, string metadataURI);
    event BondDeposited(address indexed provider, address indexed token, uint256 amount, uint256 newBond);
    event BondWithdrawn(address indexed provider, address indexed token, uint256 amount, uint256 newBond);

    /// @param terms Everything the provider listed, as given to `createOffer`.
    event OfferCreated(
        uint256 indexed offerId,
        address indexed provider,
        address indexed paymentToken,
        OfferParams terms
    );
    event OfferPriceChanged(uint256 indexed offerId, uint256 oldPrice, uint256 newPrice);
    event OfferUnitsChanged(uint256 indexed offerId, uint256 oldTotalUnits, uint256 newTotalUnits);
    event OfferPausedSet(uint256 indexed offerId, bool paused);
    event OfferRepairWindowSet(uint256 indexed offerId, uint256 oldWindow, uint256 newWindow);
    /// @notice The offer's provider published an NVIDIA attestation report for the offer's GPUs; it replaces any
    /// earlier claim. The market checked only the nonce, the block's age, the generation code and the sizes: the
    /// report's signature and certificate chain are for clients to verify from these bytes.
    /// @param generation 1 Hopper, 2 Blackwell.
    /// @param nonceBlock The block whose hash `nonce` is bound to (see `attestationNonce`).
    /// @param nonce The nonce the report's SPDM request carries.
    /// @param reportHash keccak256 of `report`, as stored in the offer's claim.
    /// @param report The SPDM GET_MEASUREMENTS request and signed response, as the GPU produced them.
    /// @param certChain The device certificate chain as PEM text, leaf first (not checked by the market).
    event OfferAttestationPublished(
        uint256 indexed offerId,
        address indexed provider,
        uint8 generation,
        uint256 nonceBlock,
        bytes32 nonce,
        bytes32 reportHash,
        bytes report,
        bytes certChain
    );

    /// @notice A lease was opened. What it locked is not repeated here, since it follows from earlier events
    /// and this block (each 32-byte word of event data costs `openLease` 256 gas): its price is the offer's price
    /// now, its fee the market's fee now, its activation deadline this block's time plus the activation window,
    /// and its deposit `LeaseMath.cost(price, gpusPerUnit * units, duration)` plus the escrowed exit terms that a
    /// {LeaseTermsRecorded} right after it reports. `getLease` returns all of it.
    /// @param duration Paid seconds (for a rolling lease: the funded seconds).
    /// @param buyerPublicKey The buyer's X25519 public key; access details are encrypted to it.
    event LeaseOpened(
        uint256 indexed leaseId,
        uint256 indexed offerId,
        address indexed buyer,
        uint256 units,
        uint256 duration,
        bytes32 buyerPublicKey
    );
    /// @param encryptedAccess Connection details sealed to the buyer's public key.
    event LeaseActivated(uint256 indexed leaseId, uint256 start, uint256 end, bytes encryptedAccess);
    event LeaseAccessRotated(uint256 indexed leaseId, bytes encryptedAccess);
    /// @param addedDuration Seconds added to the lease; its end (or, while pending, its duration) moves by as much.
    event LeaseExtended(uint256 indexed leaseId, address indexed payer, uint256 addedDuration, uint256 topUp);
    /// @param accrued Gross amount the provider earned over the lease's life (fee included): service, released or
    /// failed servers' service, and any exit charge.
    /// @param refund Paid back to the buyer now, in the payment token (credited instead if the transfer fails).
    /// @param penalty Paid from the provider's bond in the payment token to the buyer (likewise).
    event LeaseEnded(
        uint256 indexed leaseId,
        EndReason reason,
        uint256 endTime,
        uint256 accrued,
        uint256 refund,
        uint256 penalty
    );
    /// @param downUnits Servers down from now on (a report while one is open raises the count).
    /// @param evidenceHash What the buyer offers as evidence, e.g. the keccak256 of a failed `lease verify` verdict.
    /// @param repairDeadline After it the provider can no longer resolve, and anyone may end the lease.
    /// @param reports Reports filed on this lease so far, this one included.
    event OutageReported(
        uint256 indexed leaseId,
        address indexed buyer,
        uint256 downUnits,
        bytes32 evidenceHash,
        uint256 repairDeadline,
        uint256 reports
    );
    /// @param downtime Seconds the lease's end moved later: this outage's down unit-seconds over the lease's units.
    /// @param downUnitSeconds The lease's down unit-seconds so far, all outages included.
    /// @param end The lease's new end.
    /// @param encryptedAccess New connection details sealed to the buyer's key; empty when they did not change.
    event OutageResolved(
        uint256 indexed leaseId,
        uint256 downtime,
        uint256 downUnitSeconds,
        uint256 end,
        bytes encryptedAccess
    );
    /// @notice A reserved offer's terms, emitted right after its {OfferCreated}; they never change.
    event OfferTermsSet(
        uint256 indexed offerId,
        uint256 prepaidWindow,
        uint256 commitment,
        uint256 noticePeriod,
        uint256 exitFeeBps
    );
    /// @notice Emitted after {LeaseOpened} for a lease with a terms record (rolling, committed, or a penalty
    /// above the offer's floor).
    /// @param term The lease's term in seconds (for a prepaid lease, its duration at open).
    /// @param exitEscrow What a committed rolling lease escrowed for its exit, included in the deposit.
    /// @param penalty What the lease reserves out of the provider's bond in its token.
    event LeaseTermsRecorded(uint256 indexed leaseId, uint256 term, uint256 exitEscrow, uint256 penalty);
    /// @notice The buyer's early exit under a commitment (or an Unfunded end before it was over) added `amount` to
    /// what the lease earned; it pays the protocol fee like rent. Emitted before {LeaseEnded}; a release of some
    /// servers carries its charge in {ServersReleased}.
    event ExitCharged(uint256 indexed leaseId, uint256 amount);
    event TopUpAllowanceSet(
        uint256 indexed leaseId,
        uint256 perTopUp,
        uint256 totalCap,
        uint256 runwayThreshold
    );
    event TopUpAllowanceRevoked(uint256 indexed leaseId);
    /// @param addedDuration Funded seconds added; `amount` was pulled from the buyer at the locked price.
    /// @param fundedUntil When the lease's funding runs out now.
    /// @param remaining What the allowance may still pull.
    event TopUpExecuted(
        uint256 indexed leaseId,
        address indexed executor,
        uint256 addedDuration,
        uint256 amount,
        uint256 fundedUntil,
        uint256 remaining
    );
    /// @param refund Paid back to the buyer for the released servers' unused time, less any exit charge.
    /// @param exitCharge Added to what the lease earned (it pays the protocol fee like rent).
    /// @param penaltyReleased Taken off the lease's bond reservation (not paid: the buyer chose to release).
    event ServersReleased(
        uint256 indexed leaseId,
        uint256 count,
        uint256 refund,
        uint256 exitCharge,
        uint256 penaltyReleased
    );
    /// @param refund Paid back to the buyer for the failed servers' unused time.
    /// @param penalty The failed servers' share of the lease's penalty, rounded up, paid to the buyer.
    event ServersFailed(uint256 indexed leaseId, uint256 count, uint256 refund, uint256 penalty);
    /// @param gross Amount released from the lease's escrow; `gross - fee` went to the provider.
    event EarningsClaimed(uint256 indexed leaseId, address indexed provider, uint256 gross, uint256 fee);

    event ProtocolFeeSet(uint256 oldFeeBps, uint256 newFeeBps);
    event TreasurySet(address oldTreasury, address newTreasury);
    event ActivationWindowSet(uint256 oldWindow, uint256 newWindow);
    event PaymentTokenSet(address indexed token, bool allowed);
    event MarketPausedSet(bool paused);
    event FeesWithdrawn(address indexed token, address indexed treasury, uint256 amount);
    /// @notice Emitted once, at deployment: the bond token and the share of an offer's minimum bond that each lease
    /// reserves and that a provider at fault pays, so indexers can show a provider's free and reserved bond.
    event PenaltyRateSet(address indexed bondToken, uint256 penaltyBps);
    /// @notice A payout that could not be delivered (the token refused the transfer) is credited to `account`.
    event CreditAdded(address indexed account, address indexed token, uint256 amount);
    event CreditWithdrawn(address indexed account, address indexed token, uint256 amount);
    event TokensSwept(address indexed token, address indexed to, uint256 amount);
}
