// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IBuyerPolicy} from "../interfaces/IBuyerPolicy.sol";
import {Errors} from "../libraries/Errors.sol";
import {LeaseMath} from "../libraries/LeaseMath.sol";
import {Lease, LeaseStatus, Offer, OfferAttestation, Outage, Provider} from "../types/DataTypes.sol";

/// @title GridleaseMarketState
/// @notice The market's constants, storage and shared checks, apart from its behaviour: what a lease, an offer, an
/// outage or a provider is, how a lease bills, and how a stored record is found. Both the core
/// ({GridleaseMarket}) and its extension ({GridleaseMarketExtension}) inherit it in the same order, so the
/// extension, which runs by delegatecall, sees the core's storage.
abstract contract GridleaseMarketState {
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
    uint256 public constant MIN_REPAIR_WINDOW = 15 minutes;
    uint256 public constant MAX_REPAIR_WINDOW = 7 days;
    uint256 public constant MAX_OUTAGE_REPORTS = 12;
    /// @notice A report this soon after the last resolution keeps that outage's repair deadline.
    uint256 public constant REPORT_COOLDOWN = 1 hours;
    /// @notice Gas a buyer policy may use to answer. Enough for a few cold storage reads and an external lookup
    /// (an allowlist uses about 5,000; an attestation check about 30,000); a policy that burns all it is given
    /// costs the buyer this much, not the whole transaction.
    uint256 public constant POLICY_GAS = 100_000;
    /// @notice Gas a payout transfer may use. A token (or a receive hook it calls) that needs more, reverts or
    /// returns false gets the amount credited instead, so that no exit depends on the receiving side.
    uint256 public constant PAYOUT_GAS = 200_000;

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
    mapping(uint256 leaseId => Outage) internal _outages; // read only for leases with `hadOutage`
    mapping(address token => mapping(address account => uint256 amount)) internal _credits;
    // Appended last (issue #15): earlier slots keep their places. Written and read by the extension only.
    mapping(uint256 offerId => OfferAttestation) internal _attestations;

    /// @dev Only sets the immutables: the market's constructor checks every argument.
    constructor(IERC20 bondToken, uint256 penaltyBps) {
        BOND_TOKEN = bondToken;
        PENALTY_BPS = penaltyBps;
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

    /// @dev Callers have ruled out an unknown lease (phase 0). Takes the lease in memory: callers read both of its
    /// slots once (`Lease memory l = lease`) rather than field by field.
    function _status(uint256 leaseId, Lease memory lease) internal view returns (LeaseStatus) {
        uint8 phase = lease.phase;
        if (phase == PHASE_PENDING) return LeaseStatus.Pending;
        if (phase == PHASE_ACTIVE) {
            return block.timestamp >= _endOf(leaseId, lease) ? LeaseStatus.Expired : LeaseStatus.Active;
        }
        return LeaseStatus.Ended;
    }

    /// @dev `_status` read field by field from storage, for callers that need a few fields, not the whole lease.
    function _storedStatus(uint256 leaseId, Lease storage lease) internal view returns (LeaseStatus) {
        uint8 phase = lease.phase;
        if (phase == PHASE_PENDING) return LeaseStatus.Pending;
        if (phase == PHASE_ACTIVE) {
            uint256 end = uint256(lease.start) + lease.duration;
            if (lease.hadOutage) end += _outages[leaseId].extension;
            return block.timestamp >= end ? LeaseStatus.Expired : LeaseStatus.Active;
        }
        return LeaseStatus.Ended;
    }

    /// @dev When an active or ended lease ends: its start, plus its paid duration, plus the time its end moved for
    /// resolved outages.
    function _endOf(uint256 leaseId, Lease memory lease) internal view returns (uint256) {
        uint256 end = uint256(lease.start) + lease.duration;
        return lease.hadOutage ? end + _outages[leaseId].extension : end;
    }

    /// @dev The gross amount an active or ended lease has earned by `t`: its billed unit-seconds up to `t` (or its
    /// end) at its locked price, rounded down once.
    function _accruedAt(
        uint256 leaseId,
        Lease memory lease,
        uint256 gpusPerUnit,
        uint256 t
    ) internal view returns (uint256) {
        if (!lease.hadOutage) {
            return
                LeaseMath.cost(
                    lease.pricePerGpuHour,
                    gpusPerUnit * lease.units,
                    LeaseMath.elapsed(lease.start, lease.duration, t)
                );
        }
        return
            LeaseMath.cost(
                lease.pricePerGpuHour,
                gpusPerUnit,
                _billedUnitSeconds(_outages[leaseId], lease.start, lease.duration, lease.units, t)
            );
    }

    /// @dev Billed unit-seconds of a lease with an outage record, up to `t` clamped to its end: every server's
    /// seconds of service less the down unit-seconds. Every down second lies between the start and the end (reports
    /// and resolutions happen only while the lease is active), so the subtraction cannot underflow.
    function _billedUnitSeconds(
        Outage storage outage,
        uint256 start,
        uint256 duration,
        uint256 units,
        uint256 t
    ) internal view returns (uint256) {
        uint256 served = LeaseMath.elapsed(start, duration + outage.extension, t);
        return units * served - _downUnitSeconds(outage, start + served);
    }

    /// @dev Down unit-seconds of a lease's outages up to `t`, the open outage's included.
    function _downUnitSeconds(Outage storage outage, uint256 t) internal view returns (uint256 down) {
        down = outage.downUnitSeconds;
        uint256 since = outage.since;
        if (since != 0 && t > since) down += uint256(outage.downUnits) * (t - since);
    }

    /// @dev Whether anyone may end the lease as OutageUnresolved: its open outage's repair deadline passed before
    /// now and before the lease's end, or it reached MAX_OUTAGE_REPORTS while running. Only for active-phase leases
    /// with an outage record.
    function _unresolvedExitOpen(Outage storage outage, uint256 end) internal view returns (bool) {
        uint256 deadline = outage.deadline;
        if (outage.since != 0 && block.timestamp > deadline && deadline < end) return true;
        return outage.reports >= MAX_OUTAGE_REPORTS && block.timestamp < end;
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
        if (deposit > type(uint104).max) revert Errors.Market_DepositTooLarge(deposit);
    }

    /// @dev Any failure of the policy (a revert, no code, short or odd return data, running out of its
    /// POLICY_GAS) counts as "not allowed". At most 32 bytes of its answer are copied, so a policy cannot make the
    /// caller pay for a huge return or revert payload. Reverts with Market_InsufficientGas when the policy failed
    /// and the transaction had too little gas left to have given it POLICY_GAS: that failure is the caller's.
    function _policyAllows(
        address policy,
        address provider,
        uint256 offerId
    ) internal view returns (bool allowed) {
        bytes memory data = abi.encodeCall(IBuyerPolicy.isAllowed, (provider, offerId, msg.sender));
        uint256 gasLimit = POLICY_GAS;
        bool ok;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            ok := staticcall(gasLimit, policy, add(data, 0x20), mload(data), 0x00, 0x20)
            allowed := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
        }
        if (!ok && gasleft() < gasLimit / 63) revert Errors.Market_InsufficientGas(gasleft());
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

    /// @dev A repair window: MIN_REPAIR_WINDOW to MAX_REPAIR_WINDOW.
    function _checkRepairWindow(uint256 window) internal pure {
        if (window < MIN_REPAIR_WINDOW || window > MAX_REPAIR_WINDOW) {
            revert Errors.Market_InvalidRepairWindow(window, MIN_REPAIR_WINDOW, MAX_REPAIR_WINDOW);
        }
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
