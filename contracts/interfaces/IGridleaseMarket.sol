// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EndReason, LeaseView, OfferParams} from "../types/DataTypes.sol";

/// @title IGridleaseMarket
/// @notice A marketplace for GPU capacity. Providers list offers; buyers lease units of them and escrow ERC-20
/// tokens that stream to the provider per second of service. Every state change emits an event that carries
/// enough to rebuild all state without calling the contract.
interface IGridleaseMarket {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event ProviderRegistered(address indexed provider, string metadataURI);
    event ProviderUpdated(address indexed provider, string metadataURI);
    event BondDeposited(address indexed provider, uint256 amount, uint256 newBond);
    event BondWithdrawn(address indexed provider, uint256 amount, uint256 newBond);

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

    /// @param activationDeadline The provider must activate before this time, else the buyer may cancel.
    /// @param buyerPublicKey The buyer's X25519 public key; access details are encrypted to it.
    event LeaseOpened(
        uint256 indexed leaseId,
        uint256 indexed offerId,
        address indexed buyer,
        uint256 units,
        uint256 duration,
        uint256 pricePerGpuHour,
        uint256 deposit,
        uint256 feeBps,
        uint256 activationDeadline,
        bytes32 buyerPublicKey
    );
    /// @param encryptedAccess Connection details sealed to the buyer's public key.
    event LeaseActivated(uint256 indexed leaseId, uint256 start, uint256 end, bytes encryptedAccess);
    event LeaseAccessRotated(uint256 indexed leaseId, bytes encryptedAccess);
    /// @param addedDuration Seconds added to the lease; its end (or, while pending, its duration) moves by as much.
    event LeaseExtended(uint256 indexed leaseId, address indexed payer, uint256 addedDuration, uint256 topUp);
    /// @param accrued Gross amount the provider earned over the lease's life (fee included).
    /// @param refund Paid back to the buyer now, in the payment token.
    /// @param penalty Paid from the provider's bond to the buyer, in the marketplace token.
    event LeaseEnded(
        uint256 indexed leaseId,
        EndReason reason,
        uint256 endTime,
        uint256 accrued,
        uint256 refund,
        uint256 penalty
    );
    /// @param gross Amount released from the lease's escrow; `gross - fee` went to the provider.
    event EarningsClaimed(uint256 indexed leaseId, address indexed provider, uint256 gross, uint256 fee);

    event ProtocolFeeSet(uint256 oldFeeBps, uint256 newFeeBps);
    event TreasurySet(address oldTreasury, address newTreasury);
    event ActivationWindowSet(uint256 oldWindow, uint256 newWindow);
    event PaymentTokenSet(address indexed token, bool allowed);
    event MarketPausedSet(bool paused);
    event FeesWithdrawn(address indexed token, address indexed treasury, uint256 amount);

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

    /// @notice Adds `amount` of the marketplace token to the caller's bond.
    /// Emits a {BondDeposited} event.
    /// Requirements:
    /// - The caller is registered; `amount` > 0; the token arrives in full; the bond stays within uint128.
    /// @param amount Marketplace-token base units pulled from the caller (it must have approved the market).
    function depositBond(uint256 amount) external;

    /// @notice Withdraws `amount` of the caller's bond.
    /// Emits a {BondWithdrawn} event.
    /// Requirements:
    /// - `amount` > 0 and at most the bond.
    /// - `amount` is at most the free bond: the penalties reserved by the caller's pending and active leases stay.
    /// Notes:
    /// - Works while the market is paused.
    /// @param amount Marketplace-token base units sent back to the caller.
    function withdrawBond(uint256 amount) external;

    /*//////////////////////////////////////////////////////////////
                                 OFFERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Lists capacity.
    /// Emits an {OfferCreated} event.
    /// Requirements:
    /// - The market is not paused; the caller is registered; the payment token is allowed.
    /// - 1 <= gpusPerUnit <= MAX_GPUS_PER_UNIT; 1 <= totalUnits <= MAX_UNITS; 0 < price <= type(uint96).max.
    /// - 0 < minDuration <= maxDuration <= MAX_LEASE_DURATION; minProviderBond fits in uint128.
    /// - gpuModel and region are not empty; buyerPolicy is zero or a contract.
    /// @param params The offer's terms; see {OfferParams}.
    /// @return offerId The new offer's id (ids run from 1).
    function createOffer(OfferParams calldata params) external returns (uint256 offerId);

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

    /*//////////////////////////////////////////////////////////////
                                 LEASES
    //////////////////////////////////////////////////////////////*/

    /// @notice Leases `units` units of an offer for `duration` seconds and pulls the deposit from the caller. The
    /// lease is pending until the provider activates it.
    /// Emits a {LeaseOpened} event.
    /// Requirements:
    /// - The market and the offer are not paused; the payment token is still allowed.
    /// - 0 < units <= units available; minDuration <= duration <= maxDuration.
    /// - The offer's price is at most `maxPricePerGpuHour` (protection against a front-run price rise).
    /// - The provider's bond is at least the offer's minimum, and its free part (not reserved by live leases)
    ///   covers this lease's penalty, which it then reserves; the offer's buyer policy, if any, allows the caller.
    /// - `buyerPublicKey` is not zero; the deposit arrives in full (fee-on-transfer tokens are rejected).
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
    /// starts now and the lease ends one duration later.
    /// Emits a {LeaseActivated} event.
    /// Requirements:
    /// - The lease exists; the caller is the lease's provider; the lease is pending; the activation deadline has
    ///   not passed.
    /// - 0 < encryptedAccess.length <= MAX_ACCESS_BYTES.
    /// @param leaseId The lease to start.
    /// @param encryptedAccess Connection details sealed to the buyer's public key.
    function activateLease(uint256 leaseId, bytes calldata encryptedAccess) external;

    /// @notice Posts new encrypted connection details for an active lease.
    /// Emits a {LeaseAccessRotated} event.
    /// Requirements:
    /// - The lease exists; the caller is its provider; it is active and not expired; payload as in `activateLease`.
    /// @param leaseId The lease whose access changes.
    /// @param encryptedAccess The new connection details, sealed to the buyer's public key.
    function rotateAccess(uint256 leaseId, bytes calldata encryptedAccess) external;

    /// @notice Adds `addedDuration` seconds to a pending or active lease at its locked price; the caller pays.
    /// Emits a {LeaseExtended} event.
    /// Requirements:
    /// - The lease exists and is pending, or active and not expired; `addedDuration` > 0.
    /// - The new duration is at most the offer's maximum; the top-up arrives in full.
    /// Notes:
    /// - Anyone may pay for anyone's lease. Works while the market is paused: pausing stops only new offers
    ///   and new leases.
    /// @param leaseId The lease to extend.
    /// @param addedDuration Seconds added to the lease.
    function extendLease(uint256 leaseId, uint256 addedDuration) external;

    /// @notice Ends a lease early. The buyer may end an active lease; the provider may end a pending or active one.
    /// The buyer gets the unused part of the deposit back; when the provider ends it, the buyer also gets the
    /// bond penalty.
    /// Emits a {LeaseEnded} event with reason BuyerTerminated or ProviderTerminated.
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
    /// claimable through `claim`; the buyer's deposit was fully used, so nothing is refunded.
    /// Emits a {LeaseEnded} event with reason Expired.
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
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the protocol fee for leases opened from now on; open leases keep theirs.
    /// Emits a {ProtocolFeeSet} event.
    /// Requirements:
    /// - The caller is the owner; `feeBps` <= MAX_FEE_BPS.
    /// @param feeBps The fee in basis points of the gross amount claimed.
    function setProtocolFee(uint256 feeBps) external;

    /// @notice Sets where protocol fees go.
    /// Emits a {TreasurySet} event.
    /// Requirements:
    /// - The caller is the owner; `treasury` is not zero.
    /// @param treasury The address `withdrawFees` pays.
    function setTreasury(address treasury) external;

    /// @notice Sets the activation window for leases opened from now on.
    /// Emits an {ActivationWindowSet} event.
    /// Requirements:
    /// - The caller is the owner; MIN_ACTIVATION_WINDOW <= `window` <= MAX_ACTIVATION_WINDOW.
    /// @param window Seconds a provider has to activate a new lease.
    function setActivationWindow(uint256 window) external;

    /// @notice Allows or disallows a payment token for new offers and leases. Open leases are unaffected.
    /// Emits a {PaymentTokenSet} event.
    /// Requirements:
    /// - The caller is the owner; `token` is not zero; allowing a new token needs one of MAX_PAYMENT_TOKENS places.
    /// @param token The ERC-20 token.
    /// @param allowed Whether new offers and leases may use it.
    function setPaymentToken(address token, bool allowed) external;

    /// @notice Pauses or resumes new offers and new leases. Nothing else is ever blocked.
    /// Emits a {MarketPausedSet} event.
    /// Requirements:
    /// - The caller is the owner.
    /// @param paused True to stop new offers and leases, false to allow them again.
    function setPaused(bool paused) external;

    /// @notice Sends the accumulated protocol fees in `token` to the treasury. Anyone may call it.
    /// Emits a {FeesWithdrawn} event.
    /// Requirements:
    /// - There are fees in `token`.
    /// @param token The token whose fees to send.
    /// @return amount The amount sent to the treasury.
    function withdrawFees(address token) external returns (uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    /// @notice Everything about one lease, decoded: parties, terms, times, deposit, accrual and status.
    /// Requirements:
    /// - The lease exists.
    /// @param leaseId The lease to read.
    /// @return The lease's {LeaseView}.
    function getLease(uint256 leaseId) external view returns (LeaseView memory);
}
