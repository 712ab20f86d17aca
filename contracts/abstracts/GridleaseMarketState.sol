// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IBuyerPolicy} from "../interfaces/IBuyerPolicy.sol";
import {Errors} from "../libraries/Errors.sol";
import {LeaseMath} from "../libraries/LeaseMath.sol";
import {
    Bond,
    Lease,
    LeaseStatus,
    LeaseTerms,
    Offer,
    OfferAttestation,
    OfferTerms,
    Outage,
    Provider,
    TopUpAllowance
} from "../types/DataTypes.sol";

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

    /// @notice The penalty a lease reserves grows with what the buyer has at stake: this share of its escrowed
    /// deposit (for a rolling lease, the funded window plus the escrowed exit terms), when that is more than the
    /// offer's floor.
    uint256 public constant STAKE_PENALTY_BPS = 1_000; // 10%
    /// @notice The highest exit fee a commitment may set, in bps of the remaining committed value.
    uint256 public constant MAX_EXIT_FEE_BPS = 3_000; // 30%
    /// @notice The shortest prepaid window a rolling offer may set.
    uint256 public constant MIN_PREPAID_WINDOW = 1 days;
    /// @notice How long a rolling lease whose funding ran out may be topped up before its provider may end it.
    uint256 public constant GRACE_PERIOD = 3 days;

    /// @notice The marketplace token. Providers may bond in it or in any allowed payment token; it can never be
    /// swept.
    IERC20 public immutable BOND_TOKEN;

    /// @notice Share of an offer's minimum provider bond that is the floor of the penalty its leases reserve.
    uint256 public immutable PENALTY_BPS;

    // Lease phases. Ended phases encode the reason: phase = PHASE_ENDED_BASE + uint8(EndReason).
    uint8 internal constant PHASE_PENDING = 1;
    uint8 internal constant PHASE_ACTIVE = 2;
    uint8 internal constant PHASE_ENDED_BASE = 2;

    // Lease flags: which side records a lease has.
    uint8 internal constant FLAG_OUTAGE = 1;
    uint8 internal constant FLAG_TERMS = 2;
    uint8 internal constant FLAG_ROLLING = 4;

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
    // Appended (issue #12): bonds per token, reserved-capacity terms, top-up allowances.
    // Bonds are keyed by the token's index in `_tokenList` (as offers keep it), so that a lease's end finds its bond
    // from the offer slot it already reads.
    mapping(address provider => mapping(uint256 tokenIndex => Bond)) internal _bonds;
    mapping(uint256 offerId => OfferTerms) internal _offerTerms;
    mapping(uint256 leaseId => LeaseTerms) internal _leaseTerms; // read only for leases with FLAG_TERMS
    mapping(uint256 leaseId => TopUpAllowance) internal _topUps;

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
            uint8 flags = lease.flags;
            uint256 end =
                uint256(lease.start) +
                    (flags & FLAG_ROLLING != 0 ? _leaseTerms[leaseId].term : lease.duration);
            if (flags & FLAG_OUTAGE != 0) end += _outages[leaseId].extension;
            return block.timestamp >= end ? LeaseStatus.Expired : LeaseStatus.Active;
        }
        return LeaseStatus.Ended;
    }

    /// @dev When an active or ended lease ends: its start, plus its paid duration (an active rolling lease: its
    /// term), plus the time its end moved for resolved outages.
    function _endOf(uint256 leaseId, Lease memory lease) internal view returns (uint256) {
        uint8 flags = lease.flags;
        uint256 end =
            uint256(lease.start) +
                (
                    flags & FLAG_ROLLING != 0 && lease.phase == PHASE_ACTIVE
                        ? _leaseTerms[leaseId].term
                        : lease.duration
                );
        return flags & FLAG_OUTAGE != 0 ? end + _outages[leaseId].extension : end;
    }

    /// @dev When an active lease's funding runs out: its start, plus its funded seconds, plus its outage extension.
    /// For a lease that is not rolling this is its end.
    function _fundedEndOf(uint256 leaseId, Lease memory lease) internal view returns (uint256) {
        uint256 end = uint256(lease.start) + lease.duration;
        return lease.flags & FLAG_OUTAGE != 0 ? end + _outages[leaseId].extension : end;
    }

    /// @dev The gross amount an active or ended lease has earned by `t`: its billed unit-seconds up to `t` (or its
    /// funded end) at its locked price, rounded down once, plus what released or failed servers and exit charges
    /// earned (`frozen`).
    function _accruedAt(
        uint256 leaseId,
        Lease memory lease,
        uint256 gpusPerUnit,
        uint256 t
    ) internal view returns (uint256 accrued) {
        uint8 flags = lease.flags;
        if (flags & FLAG_OUTAGE == 0) {
            accrued = LeaseMath.cost(
                lease.pricePerGpuHour,
                gpusPerUnit * lease.units,
                LeaseMath.elapsed(lease.start, lease.duration, t)
            );
        } else {
            accrued = LeaseMath.cost(
                lease.pricePerGpuHour,
                gpusPerUnit,
                _billedUnitSeconds(_outages[leaseId], lease.start, lease.duration, lease.units, t)
            );
        }
        if (flags & FLAG_TERMS != 0) accrued += _leaseTerms[leaseId].frozen;
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

    /// @dev The floor of the penalty a lease on `offer` reserves from the provider's bond while live, and pays its
    /// buyer when the provider fails it; a lease without a {LeaseTerms} record reserves exactly this. Fixed per
    /// offer: its minimum bond and PENALTY_BPS never change.
    function _penaltyOf(Offer storage offer) internal view returns (uint256) {
        return (uint256(offer.minProviderBond) * PENALTY_BPS) / LeaseMath.BPS;
    }

    /// @dev The penalty a lease with `stake` escrowed reserves: STAKE_PENALTY_BPS of its stake, at least `floor`.
    function _penaltyFor(uint256 floor, uint256 stake) internal pure returns (uint256) {
        uint256 scaled = (stake * STAKE_PENALTY_BPS) / LeaseMath.BPS;
        return scaled > floor ? scaled : floor;
    }

    /// @dev The penalty a live lease reserves: its record's, or its offer's floor.
    function _reservedPenalty(
        uint256 leaseId,
        uint8 flags,
        Offer storage offer
    ) internal view returns (uint256) {
        return flags & FLAG_TERMS != 0 ? _leaseTerms[leaseId].penalty : _penaltyOf(offer);
    }

    /// @dev What a committed rolling lease escrows for its exit: the notice's cost, or the exit fee on the whole
    /// committed value. No early exit can charge more.
    function _exitEscrowOf(
        OfferTerms memory terms,
        uint256 price,
        uint256 gpus
    ) internal pure returns (uint256) {
        if (terms.commitment == 0) return 0;
        if (terms.noticePeriod != 0) return LeaseMath.cost(price, gpus, terms.noticePeriod);
        return LeaseMath.feeOn(LeaseMath.cost(price, gpus, terms.commitment), terms.exitFeeBps);
    }

    /// @dev What the buyer's exit of `count` of an active lease's servers at `t` costs under `terms` — the one rule
    /// that termination, release and the quotes (`exitChargeAt`, `getLeaseTerms`) share: nothing while the lease's
    /// outage went unresolved (the provider is at fault); once a committed rolling lease ran unfunded before its
    /// commitment's end, those servers' whole share of the escrowed exit (letting funding lapse is never a cheaper
    /// way out, and the unfunded time was never billed); otherwise the exit at `t` (`_exitChargeAt`).
    function _exitChargeFor(
        uint256 leaseId,
        Lease memory lease,
        OfferTerms memory terms,
        uint256 gpusPerUnit,
        uint256 count,
        uint256 t
    ) internal view returns (uint256) {
        if (terms.commitment == 0) return 0;
        uint8 flags = lease.flags;
        if (flags & FLAG_OUTAGE != 0 && _unresolvedExitOpen(_outages[leaseId], _endOf(leaseId, lease)))
            return 0;
        uint256 price = lease.pricePerGpuHour;
        if (flags & FLAG_ROLLING != 0) {
            uint256 fundedEnd = _fundedEndOf(leaseId, lease);
            if (t > fundedEnd && fundedEnd < uint256(lease.start) + terms.commitment) {
                uint256 units = lease.units;
                return
                    _exitEscrowOf(terms, price, gpusPerUnit * units) -
                    _exitEscrowOf(terms, price, gpusPerUnit * (units - count));
            }
        }
        return _exitChargeAt(terms, price, gpusPerUnit * count, lease.start, t);
    }

    /// @dev What the buyer's exit at `t` costs `gpus` GPUs of a lease activated at `start` under `terms`: nothing
    /// after the commitment; before it, the notice (at most the committed time left) or the exit fee on the
    /// remaining committed value. The committed time left is counted in whole hours, so the quote a buyer sees
    /// holds until the next hour.
    function _exitChargeAt(
        OfferTerms memory terms,
        uint256 price,
        uint256 gpus,
        uint256 start,
        uint256 t
    ) internal pure returns (uint256) {
        uint256 commitEnd = start + terms.commitment;
        if (terms.commitment == 0 || t >= commitEnd) return 0;
        uint256 left = commitEnd - t;
        // A quote for a time before the activation (only a read can ask) counts the whole commitment.
        if (left > terms.commitment) left = terms.commitment;
        left -= left % LeaseMath.SECONDS_PER_HOUR;
        if (terms.noticePeriod != 0) {
            return LeaseMath.cost(price, gpus, left < terms.noticePeriod ? left : terms.noticePeriod);
        }
        return LeaseMath.feeOn(LeaseMath.cost(price, gpus, left), terms.exitFeeBps);
    }

    /// @dev The fields of an offer's first three slots that opening a lease reads (see `_loadOffer`).
    struct OfferHot {
        address provider;
        uint256 gpusPerUnit;
        uint256 totalUnits;
        uint256 unitsInUse;
        bool paused;
        bool hasPolicy;
        uint256 maxDuration;
        address paymentToken;
        uint256 price;
        uint256 minDuration;
        uint256 minProviderBond;
        bool hasTerms;
        uint256 tokenIndex;
    }

    /// @dev Reads the offer's slots 0 to 2 once each and unpacks them as {Offer} lays them out (the layout test in
    /// test/contracts/unit/Views.t.sol compares this with the stored record). Read field by field, some slots were
    /// loaded again after the lease's first write: `npm run bench:gas` measured `openLease` about 80 gas cheaper
    /// this way, which is what keeps it within its 110,000 target.
    function _loadOffer(Offer storage offer) internal view returns (OfferHot memory o) {
        uint256 w0;
        uint256 w1;
        uint256 w2;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let slot := offer.slot
            w0 := sload(slot)
            w1 := sload(add(slot, 1))
            w2 := sload(add(slot, 2))
        }
        o.provider = address(uint160(w0));
        o.gpusPerUnit = uint16(w0 >> 160);
        o.totalUnits = uint16(w0 >> 176);
        o.unitsInUse = uint16(w0 >> 192);
        o.paused = uint8(w0 >> 208) != 0;
        o.hasPolicy = uint8(w0 >> 216) != 0;
        o.maxDuration = w0 >> 224;
        o.paymentToken = address(uint160(w1));
        o.price = w1 >> 160;
        o.minDuration = uint32(w2);
        o.minProviderBond = uint120(w2 >> 32);
        o.hasTerms = uint8(w2 >> 152) != 0;
        o.tokenIndex = uint8(w2 >> 224);
    }

    /// @dev Every check on the offer and the terms for a new lease; returns the locked price, the deposit and the
    /// offer's penalty floor.
    function _checkOpen(
        OfferHot memory o,
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 maxPricePerGpuHour
    ) internal view returns (uint256 price, uint256 deposit, uint256 floor) {
        if (o.provider == address(0)) revert Errors.Market_UnknownOffer(offerId);
        if (o.paused) revert Errors.Market_OfferPaused(offerId);
        if (units == 0) revert Errors.Market_ZeroUnits();
        uint256 available = o.totalUnits - o.unitsInUse;
        if (units > available) revert Errors.Market_UnitsUnavailable(offerId, units, available);
        if (duration < o.minDuration || duration > o.maxDuration) {
            revert Errors.Market_DurationOutOfRange(duration, o.minDuration, o.maxDuration);
        }
        price = o.price;
        if (price > maxPricePerGpuHour)
            revert Errors.Market_PriceAboveMax(offerId, price, maxPricePerGpuHour);
        deposit = LeaseMath.cost(price, o.gpusPerUnit * units, duration);
        if (deposit == 0) revert Errors.Market_DepositZero(offerId, units, duration);
        if (deposit > type(uint104).max) revert Errors.Market_DepositTooLarge(deposit);
        floor = (o.minProviderBond * PENALTY_BPS) / LeaseMath.BPS;
    }

    /// @dev The bond checks for a new lease that reserves `penalty` out of `bond` (its provider's bond in the
    /// lease's token), and the buyer policy.
    function _checkBondAndPolicy(
        OfferHot memory o,
        Offer storage offer,
        Bond storage bond,
        uint256 offerId,
        uint256 penalty
    ) internal view {
        uint256 amount = bond.amount;
        if (amount < o.minProviderBond)
            revert Errors.Market_InsufficientBond(o.provider, amount, o.minProviderBond);
        uint256 freeBond = amount - bond.locked;
        if (freeBond < penalty) revert Errors.Market_BondCommitted(o.provider, freeBond, penalty);
        if (o.hasPolicy && !_policyAllows(offer.buyerPolicy, o.provider, offerId)) {
            revert Errors.Market_BuyerNotAllowed(offerId, msg.sender);
        }
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
