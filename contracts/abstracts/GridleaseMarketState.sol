// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IGridleaseMarket} from "../interfaces/IGridleaseMarket.sol";
import {IBuyerPolicy} from "../interfaces/IBuyerPolicy.sol";
import {Errors} from "../libraries/Errors.sol";
import {LeaseMath} from "../libraries/LeaseMath.sol";
import {EndReason, Lease, LeaseStatus, LeaseView, Offer, Provider} from "../types/DataTypes.sol";

/// @title GridleaseMarketState
/// @notice The market's constants, storage and reads, apart from its behaviour (in {GridleaseMarket}): what a
/// lease, an offer or a provider is, and how a stored record is found and decoded.
abstract contract GridleaseMarketState is IGridleaseMarket {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 public constant MAX_FEE_BPS = 1_000; // 10%
    uint256 public constant MAX_UNITS = type(uint16).max;
    uint256 public constant MAX_GPUS_PER_UNIT = 1_024;
    uint256 public constant MAX_LEASE_DURATION = 1_096 days; // three years and a leap day
    uint256 public constant MIN_ACTIVATION_WINDOW = 1 minutes;
    uint256 public constant MAX_ACTIVATION_WINDOW = 7 days;
    uint256 public constant MAX_ACCESS_BYTES = 4_096;
    uint256 public constant MAX_CLAIM_BATCH = 200;
    uint256 public constant MAX_PAYMENT_TOKENS = 64;

    /// @notice The marketplace token, in which providers post bonds.
    IERC20 public immutable BOND_TOKEN;

    /// @notice Share of an offer's minimum provider bond paid to the buyer when the provider fails a lease.
    uint256 public immutable PENALTY_BPS;

    // Lease phases. Ended phases encode the reason: phase = PHASE_ENDED_BASE + uint8(EndReason).
    uint8 internal constant PHASE_PENDING = 1;
    uint8 internal constant PHASE_ACTIVE = 2;
    uint8 internal constant PHASE_ENDED_BASE = 2;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev One slot read (and written) by every `openLease`. Keeping the allowed-token bitmap here spares a
    /// lease a cold read of a mapping.
    struct Config {
        uint64 nextOfferId;
        uint64 nextLeaseId;
        uint32 activationWindow;
        uint16 feeBps;
        bool paused;
        uint64 allowedTokens; // bit i set: the token at index i of `_tokenList` is allowed
    }

    Config internal _config;
    address internal _treasury;
    address[] internal _tokenList; // every token ever allowed, in order; at most MAX_PAYMENT_TOKENS
    mapping(address token => uint256 indexPlusOne) internal _tokenIndex;
    mapping(address token => uint256 amount) internal _protocolFees;
    mapping(address provider => Provider) internal _providers;
    mapping(uint256 offerId => Offer) internal _offers;
    mapping(uint256 leaseId => Lease) internal _leases;

    /// @dev Only sets the immutables: the market's constructor checks every argument.
    constructor(IERC20 bondToken, uint256 penaltyBps) {
        BOND_TOKEN = bondToken;
        PENALTY_BPS = penaltyBps;
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarket
    function getLease(uint256 leaseId) external view override returns (LeaseView memory v) {
        Lease storage lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        Offer storage offer = _offers[lease.offerId];
        uint256 gpus = uint256(offer.gpusPerUnit) * lease.units;
        bool pending = lease.phase == PHASE_PENDING;
        v.leaseId = leaseId;
        v.offerId = lease.offerId;
        v.buyer = lease.buyer;
        v.provider = offer.provider;
        v.paymentToken = offer.paymentToken;
        v.units = lease.units;
        v.gpusPerUnit = offer.gpusPerUnit;
        v.pricePerGpuHour = lease.pricePerGpuHour;
        v.feeBps = lease.feeBps;
        v.duration = lease.duration;
        v.start = pending ? 0 : lease.start;
        v.end = pending ? 0 : uint256(lease.start) + lease.duration;
        v.activationDeadline = pending ? lease.start : 0;
        v.deposit = LeaseMath.cost(lease.pricePerGpuHour, gpus, lease.duration);
        v.accrued =
            pending
                ? 0
                : LeaseMath.cost(
                    lease.pricePerGpuHour,
                    gpus,
                    LeaseMath.elapsed(lease.start, lease.duration, block.timestamp)
                );
        v.settled = lease.settled;
        v.claimable = v.accrued - v.settled;
        v.status = _status(lease);
        v.endReason = lease.phase > PHASE_ACTIVE ? EndReason(lease.phase - PHASE_ENDED_BASE) : EndReason.None;
    }

    /// @notice The stored record of an offer.
    function getOffer(uint256 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /// @notice The stored record of a provider.
    function getProvider(address provider) external view returns (Provider memory) {
        return _providers[provider];
    }

    /// @notice Escrow still held for a lease: its deposit less what was already paid to the provider.
    function escrowOf(uint256 leaseId) external view returns (uint256) {
        Lease storage lease = _leases[leaseId];
        uint256 gpus = uint256(_offers[lease.offerId].gpusPerUnit) * lease.units;
        return LeaseMath.cost(lease.pricePerGpuHour, gpus, lease.duration) - lease.settled;
    }

    /// @notice Protocol fees collected in `token` and not yet sent to the treasury.
    function protocolFees(address token) external view returns (uint256) {
        return _protocolFees[token];
    }

    /// @notice Whether new offers and leases may use `token` now.
    function isPaymentToken(address token) external view returns (bool) {
        uint256 index = _tokenIndex[token];
        return index != 0 && (_config.allowedTokens >> (index - 1)) & 1 == 1;
    }

    /// @notice Every token that was ever allowed, whether or not it still is.
    function paymentTokens() external view returns (address[] memory) {
        return _tokenList;
    }

    /// @notice Where `withdrawFees` sends the protocol fees.
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @notice The protocol fee, in basis points, that leases opened from now on lock.
    function feeBps() external view returns (uint256) {
        return _config.feeBps;
    }

    /// @notice Seconds a provider has to activate a lease opened from now on.
    function activationWindow() external view returns (uint256) {
        return _config.activationWindow;
    }

    /// @notice Whether new offers and new leases are stopped.
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @notice Number of offers created so far; offer ids run from 1 to this.
    function offerCount() external view returns (uint256) {
        return _config.nextOfferId - 1;
    }

    /// @notice Number of leases opened so far; lease ids run from 1 to this.
    function leaseCount() external view returns (uint256) {
        return _config.nextLeaseId - 1;
    }

    /*//////////////////////////////////////////////////////////////
                           RECORDS AND CHECKS
    //////////////////////////////////////////////////////////////*/

    /// @dev Reverts unless `phase`, read from the lease `leaseId`, is that of a lease that exists: phase 0 means it
    /// was never opened. Takes the phase, not the id, so that the caller's read of the lease's first slot serves
    /// both. (Measured with `npm run bench:gas`: a helper returning the lease's storage pointer cost 133 gas more
    /// per call than the check written inline, a modifier 167 more, this 35 more.)
    function _requireLease(uint8 phase, uint256 leaseId) internal pure {
        if (phase == 0) revert Errors.Market_UnknownLease(leaseId);
    }

    /// @dev The stored offer `offerId`, for its provider only; reverts if it does not exist or the caller is not
    /// its provider.
    function _offerOf(uint256 offerId) internal view returns (Offer storage offer) {
        offer = _offers[offerId];
        if (offer.provider == address(0)) revert Errors.Market_UnknownOffer(offerId);
        if (offer.provider != msg.sender) revert Errors.Market_NotOfferProvider(offerId, msg.sender);
    }

    /// @dev Callers have ruled out an unknown lease (phase 0).
    function _status(Lease storage lease) internal view returns (LeaseStatus) {
        uint8 phase = lease.phase;
        if (phase == PHASE_PENDING) return LeaseStatus.Pending;
        if (phase == PHASE_ACTIVE) {
            return
                block.timestamp >= uint256(lease.start) + lease.duration
                    ? LeaseStatus.Expired
                    : LeaseStatus.Active;
        }
        return LeaseStatus.Ended;
    }

    /// @dev The penalty a lease on `offer` reserves from the provider's bond while live, and pays its buyer when the
    /// provider fails it. Fixed per offer: its minimum bond and PENALTY_BPS never change.
    function _penaltyOf(Offer storage offer) internal view returns (uint256) {
        return (uint256(offer.minProviderBond) * PENALTY_BPS) / LeaseMath.BPS;
    }

    /// @dev Every check on the offer and the terms for a new lease; returns the locked price and the deposit.
    function _checkOpen(
        Offer storage offer,
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 maxPricePerGpuHour
    ) internal view returns (uint256 price, uint256 deposit, uint256 penalty) {
        address provider = offer.provider;
        if (provider == address(0)) revert Errors.Market_UnknownOffer(offerId);
        if (offer.paused) revert Errors.Market_OfferPaused(offerId);
        if (units == 0) revert Errors.Market_ZeroUnits();
        uint256 available = offer.totalUnits - offer.unitsInUse;
        if (units > available) revert Errors.Market_UnitsUnavailable(offerId, units, available);
        if (duration < offer.minDuration || duration > offer.maxDuration) {
            revert Errors.Market_DurationOutOfRange(duration, offer.minDuration, offer.maxDuration);
        }
        price = offer.pricePerGpuHour;
        if (price > maxPricePerGpuHour)
            revert Errors.Market_PriceAboveMax(offerId, price, maxPricePerGpuHour);
        Provider storage providerRecord = _providers[provider];
        uint256 bond = providerRecord.bond;
        if (bond < offer.minProviderBond)
            revert Errors.Market_InsufficientBond(provider, bond, offer.minProviderBond);
        penalty = _penaltyOf(offer);
        uint256 freeBond = bond - providerRecord.lockedBond;
        if (freeBond < penalty) revert Errors.Market_BondCommitted(provider, freeBond, penalty);
        if (offer.hasPolicy && !_policyAllows(offer.buyerPolicy, provider, offerId)) {
            revert Errors.Market_BuyerNotAllowed(offerId, msg.sender);
        }
        deposit = LeaseMath.cost(price, uint256(offer.gpusPerUnit) * units, duration);
        if (deposit == 0) revert Errors.Market_DepositZero(offerId, units, duration);
        if (deposit > type(uint112).max) revert Errors.Market_DepositTooLarge(deposit);
    }

    /// @dev Any failure of the policy (a revert, no code, short or odd return data) counts as "not allowed". A
    /// low-level call because `try` cannot catch a decoding failure of the policy's answer.
    function _policyAllows(address policy, address provider, uint256 offerId) internal view returns (bool) {
        (bool ok, bytes memory answer) = policy.staticcall(
            abi.encodeCall(IBuyerPolicy.isAllowed, (provider, offerId, msg.sender))
        );
        return ok && answer.length >= 32 && abi.decode(answer, (uint256)) == 1;
    }

    /// @dev The token's index in the allowed-token bitmap; reverts if it is not allowed now.
    function _allowedTokenIndex(uint64 allowedTokens, address token) internal view returns (uint256) {
        uint256 indexPlusOne = _tokenIndex[token];
        if (indexPlusOne == 0 || (allowedTokens >> (indexPlusOne - 1)) & 1 == 0) {
            revert Errors.Market_TokenNotAllowed(token);
        }
        return indexPlusOne - 1;
    }

    /// @dev A price per GPU-hour must be positive and fit the offer's 96 bits.
    function _checkPrice(uint256 price) internal pure {
        if (price == 0 || price > type(uint96).max)
            revert Errors.Market_InvalidPrice(price, type(uint96).max);
    }

    /// @dev An offer's total units: 1 to MAX_UNITS.
    function _checkTotalUnits(uint256 units) internal pure {
        if (units == 0 || units > MAX_UNITS) revert Errors.Market_InvalidUnits(units, MAX_UNITS);
    }

    /// @dev Sealed access details: not empty, at most MAX_ACCESS_BYTES.
    function _checkAccessPayload(bytes calldata payload) internal pure {
        if (payload.length == 0) revert Errors.Market_EmptyAccessPayload();
        if (payload.length > MAX_ACCESS_BYTES) {
            revert Errors.Market_AccessPayloadTooLarge(payload.length, MAX_ACCESS_BYTES);
        }
    }

    /// @dev The activation window: MIN_ACTIVATION_WINDOW to MAX_ACTIVATION_WINDOW.
    function _checkActivationWindow(uint256 window) internal pure {
        if (window < MIN_ACTIVATION_WINDOW || window > MAX_ACTIVATION_WINDOW) {
            revert Errors.Market_ActivationWindowOutOfRange(
                window,
                MIN_ACTIVATION_WINDOW,
                MAX_ACTIVATION_WINDOW
            );
        }
    }
}
