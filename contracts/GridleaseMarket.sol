// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGridleaseMarketCore} from "./interfaces/IGridleaseMarketCore.sol";
import {Errors} from "./libraries/Errors.sol";
import {LeaseMath} from "./libraries/LeaseMath.sol";
import {ExactTransfers} from "./libraries/ExactTransfers.sol";
import {
    Bond,
    EndReason,
    Lease,
    LeaseStatus,
    LeaseTerms,
    Offer,
    OfferTerms,
    Outage
} from "./types/DataTypes.sol";
import {GridleaseMarketState} from "./abstracts/GridleaseMarketState.sol";
import {GridleaseMarketSettlement} from "./abstracts/GridleaseMarketSettlement.sol";

/// @title GridleaseMarket
/// @notice The market's core: see {IGridleaseMarket} for the whole interface its address serves. Holds every
/// escrowed deposit, every provider bond, the unclaimed protocol fees and the credits of failed payouts; for each
/// token its balance is exactly their sum (see test/contracts/invariant/README.md). It runs the lease path itself
/// and delegates every other call to {GridleaseMarketExtension}, which it deploys and which runs on its storage.
contract GridleaseMarket is
    IGridleaseMarketCore,
    Ownable2Step,
    ReentrancyGuardTransient,
    GridleaseMarketState,
    GridleaseMarketSettlement
{
    using SafeERC20 for IERC20;

    /// @notice The code that serves the rest of the interface (admin, offer settings, reads, credits).
    address public immutable EXTENSION;

    /// @dev Constants, storage and shared checks are in {GridleaseMarketState}; this contract holds the lease path.
    constructor(
        address initialOwner,
        address treasury_,
        IERC20 bondToken,
        uint256 feeBps_,
        uint256 activationWindow_,
        uint256 penaltyBps,
        address extension
    ) Ownable(initialOwner) GridleaseMarketState(bondToken, penaltyBps) {
        if (treasury_ == address(0) || address(bondToken) == address(0)) revert Errors.Market_ZeroAddress();
        // The extension runs on this contract's storage with its own immutables: they must be this market's.
        if (
            extension.code.length == 0 ||
            GridleaseMarketState(extension).PENALTY_BPS() != penaltyBps ||
            GridleaseMarketState(extension).BOND_TOKEN() != bondToken
        ) revert Errors.Market_ExtensionMismatch(extension);
        if (feeBps_ > MAX_FEE_BPS) revert Errors.Market_FeeTooHigh(feeBps_, MAX_FEE_BPS);
        _checkActivationWindow(activationWindow_);
        if (penaltyBps > LeaseMath.BPS) revert Errors.Market_InvalidPenalty(penaltyBps, LeaseMath.BPS);

        _treasury = treasury_;
        _config = Config({
            nextOfferId: 1,
            nextLeaseId: 1,
            activationWindow: uint32(activationWindow_),
            feeBps: uint16(feeBps_),
            paused: false,
            allowedTokens: 0
        });
        EXTENSION = extension;
        emit TreasurySet(address(0), treasury_);
        emit ProtocolFeeSet(0, feeBps_);
        emit ActivationWindowSet(0, activationWindow_);
        emit PenaltyRateSet(address(bondToken), penaltyBps);
    }

    /// @dev Every function not defined here is the extension's: run it on this contract's storage.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address extension = EXTENSION;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Memory past the free pointer is free to use, which keeps the block memory-safe (and the IR
            // optimizer's hands free everywhere else in the contract).
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), extension, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) {
                revert(ptr, returndatasize())
            }
            return(ptr, returndatasize())
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 LEASES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketCore
    function openLease(
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 maxPricePerGpuHour,
        bytes32 buyerPublicKey
    ) external override nonReentrant returns (uint256 leaseId) {
        return _openLease(offerId, units, duration, maxPricePerGpuHour, buyerPublicKey);
    }

    /// @inheritdoc IGridleaseMarketCore
    function openRollingLease(
        uint256 offerId,
        uint256 units,
        uint256 term,
        uint256 funded,
        uint256 maxPricePerGpuHour,
        bytes32 buyerPublicKey
    ) external override nonReentrant returns (uint256 leaseId) {
        Config memory config = _config;
        Offer storage offer = _offers[offerId];

        // Checks
        if (config.paused) revert Errors.Market_Paused();
        OfferHot memory o = _loadOffer(offer);
        // The term's deposit is checked (and bounded) as a prepaid lease's would be: top-ups can reach it.
        (uint256 price, uint256 termCost, uint256 floor) = _checkOpen(
            o,
            offerId,
            units,
            term,
            maxPricePerGpuHour
        );
        OfferTerms memory offerTerms = _offerTerms[offerId];
        uint256 window = offerTerms.prepaidWindow;
        if (window == 0) revert Errors.Market_NotRollingOffer(offerId);
        uint256 minFunded = window < term ? window : term;
        if (funded < minFunded || funded > term)
            revert Errors.Market_FundingOutOfRange(funded, minFunded, term);
        uint256 gpus = o.gpusPerUnit * units;
        uint256 escrow = _exitEscrowOf(offerTerms, price, gpus);
        // The whole term and the escrow fit in 104 bits, so every top-up, earning and charge of the lease does too.
        if (termCost + escrow > type(uint104).max) revert Errors.Market_DepositTooLarge(termCost + escrow);
        uint256 deposit = LeaseMath.cost(price, gpus, funded) + escrow;
        uint256 penalty = _penaltyFor(floor, deposit);
        leaseId = _recordLease(
            config,
            o,
            offer,
            offerId,
            units,
            funded,
            price,
            penalty,
            FLAG_TERMS | FLAG_ROLLING,
            buyerPublicKey
        );
        _leaseTerms[leaseId] = LeaseTerms({penalty: uint104(penalty), frozen: 0, term: uint32(term)});
        emit LeaseTermsRecorded(leaseId, term, escrow, penalty);

        // Interactions
        ExactTransfers.pullExact(IERC20(o.paymentToken), msg.sender, deposit);
    }

    /// @inheritdoc IGridleaseMarketCore
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
    ) external override nonReentrant returns (uint256 leaseId) {
        address token = _offers[offerId].paymentToken;
        if (token != address(0)) {
            // A permit that fails (already used by a front-runner, or not supported) is not fatal: the pull below
            // still succeeds when the allowance is there, and reverts with the token's own error when it is not.
            // solhint-disable no-empty-blocks
            try
                IERC20Permit(token).permit(msg.sender, address(this), permitValue, permitDeadline, v, r, s)
            {} catch {}
            // solhint-enable no-empty-blocks
        }
        return _openLease(offerId, units, duration, maxPricePerGpuHour, buyerPublicKey);
    }

    /// @inheritdoc IGridleaseMarketCore
    function activateLease(uint256 leaseId, bytes calldata encryptedAccess) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        uint8 phase = lease.phase;
        _requireLease(phase, leaseId);
        if (msg.sender != _offers[lease.offerId].provider)
            revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
        if (phase != PHASE_PENDING) revert Errors.Market_UnexpectedStatus(leaseId, _status(leaseId, lease));
        uint256 deadline = lease.start;
        if (block.timestamp > deadline) revert Errors.Market_ActivationWindowMissed(leaseId, deadline);
        _checkAccessPayload(encryptedAccess);
        // Effects
        lease.phase = PHASE_ACTIVE;
        lease.start = uint40(block.timestamp);
        uint256 length = lease.flags & FLAG_ROLLING != 0 ? _leaseTerms[leaseId].term : lease.duration;
        emit LeaseActivated(leaseId, block.timestamp, block.timestamp + length, encryptedAccess);
    }

    /// @inheritdoc IGridleaseMarketCore
    function extendLease(uint256 leaseId, uint256 addedDuration) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        LeaseStatus status = _storedStatus(leaseId, lease);
        if (status != LeaseStatus.Pending && status != LeaseStatus.Active) {
            revert Errors.Market_UnexpectedStatus(leaseId, status);
        }
        if (addedDuration == 0) revert Errors.Market_ZeroDuration();
        Offer storage offer = _offers[lease.offerId];
        uint256 oldDuration = lease.duration;
        // A rolling lease is funded up to its term, never beyond; any other lease may grow to its offer's maximum.
        uint256 maxDuration = lease.flags & FLAG_ROLLING != 0 ? _leaseTerms[leaseId].term : offer.maxDuration;
        // Checked before the sum, which could otherwise overflow uint256 (a panic, not an error).
        if (addedDuration > maxDuration) {
            revert Errors.Market_DurationOutOfRange(addedDuration, offer.minDuration, maxDuration);
        }
        uint256 newDuration = oldDuration + addedDuration;
        if (newDuration > maxDuration) {
            revert Errors.Market_DurationOutOfRange(newDuration, offer.minDuration, maxDuration);
        }
        uint256 gpus = uint256(offer.gpusPerUnit) * lease.units;
        uint256 price = lease.pricePerGpuHour;
        uint256 newDeposit = LeaseMath.cost(price, gpus, newDuration);
        if (newDeposit > type(uint104).max) revert Errors.Market_DepositTooLarge(newDeposit);
        uint256 topUp = newDeposit - LeaseMath.cost(price, gpus, oldDuration);

        // Effects
        lease.duration = uint32(newDuration);
        emit LeaseExtended(leaseId, msg.sender, addedDuration, topUp);

        // Interactions
        if (topUp != 0) ExactTransfers.pullExact(IERC20(offer.paymentToken), msg.sender, topUp);
    }

    /// @inheritdoc IGridleaseMarketCore
    function terminateLease(uint256 leaseId) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        Lease memory snap = lease;
        _requireLease(snap.phase, leaseId);
        Offer storage offer = _offers[snap.offerId];
        bool byProvider = msg.sender == offer.provider;
        if (!byProvider && msg.sender != snap.buyer) revert Errors.Market_NotLeaseParty(leaseId, msg.sender);
        uint256 end = _endOf(leaseId, snap);
        bool running = snap.phase == PHASE_ACTIVE && block.timestamp < end;
        // The provider may end a pending lease (refusing it, at the cost of the penalty); the buyer may not:
        // until the activation window has passed the provider is still within its rights.
        if (!running && !(byProvider && snap.phase == PHASE_PENDING)) {
            revert Errors.Market_UnexpectedStatus(leaseId, _status(leaseId, snap));
        }
        EndReason reason = byProvider ? EndReason.ProviderTerminated : EndReason.BuyerTerminated;
        // Whoever ends a lease whose outage went unresolved ends it as unresolved, penalty included.
        if (snap.flags & FLAG_OUTAGE != 0 && running && _unresolvedExitOpen(_outages[leaseId], end)) {
            reason = EndReason.OutageUnresolved;
        }
        _endLease(leaseId, lease, snap, offer, reason);
    }

    /// @inheritdoc IGridleaseMarketCore
    function cancelLease(uint256 leaseId) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        Lease memory snap = lease;
        _requireLease(snap.phase, leaseId);
        if (msg.sender != snap.buyer) revert Errors.Market_NotLeaseBuyer(leaseId, msg.sender);
        if (snap.phase != PHASE_PENDING)
            revert Errors.Market_UnexpectedStatus(leaseId, _status(leaseId, snap));
        uint256 deadline = snap.start;
        if (block.timestamp <= deadline) revert Errors.Market_ActivationWindowOpen(leaseId, deadline);
        _endLease(leaseId, lease, snap, _offers[snap.offerId], EndReason.NoShowCancelled);
    }

    /// @inheritdoc IGridleaseMarketCore
    function closeLease(uint256 leaseId) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        uint8 phase = lease.phase;
        _requireLease(phase, leaseId);
        if (phase != PHASE_ACTIVE) revert Errors.Market_UnexpectedStatus(leaseId, _status(leaseId, lease));
        uint8 flags = lease.flags;
        if (flags != 0) {
            // Outages leave part of the deposit unbilled, to refund, and may have opened the unresolved exit; a
            // terms record holds what released servers earned and the escrowed exit terms.
            Lease memory snap = lease;
            uint256 scheduledEnd = _endOf(leaseId, snap);
            if (block.timestamp < scheduledEnd) revert Errors.Market_LeaseNotExpired(leaseId, scheduledEnd);
            // A rolling lease closes only once funded to its term; before that its provider ends it as Unfunded.
            if (flags & FLAG_ROLLING != 0 && snap.duration < _leaseTerms[leaseId].term) {
                revert Errors.Market_LeaseUnfunded(leaseId, _fundedEndOf(leaseId, snap));
            }
            EndReason reason =
                flags & FLAG_OUTAGE != 0 && _unresolvedExitOpen(_outages[leaseId], scheduledEnd)
                    ? EndReason.OutageUnresolved
                    : EndReason.Expired;
            _endLease(leaseId, lease, snap, _offers[snap.offerId], reason);
            return;
        }
        uint256 duration = lease.duration;
        uint256 end = uint256(lease.start) + duration;
        if (block.timestamp < end) revert Errors.Market_LeaseNotExpired(leaseId, end);

        // Effects
        Offer storage offer = _offers[lease.offerId];
        uint16 units = lease.units;
        lease.phase = PHASE_ENDED_BASE + uint8(EndReason.Expired);
        offer.unitsInUse -= units;
        uint256 reserved = _penaltyOf(offer);
        // unchecked: the reservation was added when the lease opened.
        unchecked {
            if (reserved != 0) _bonds[offer.provider][offer.tokenIndex].locked -= uint128(reserved);
        }
        uint256 accrued = LeaseMath.cost(lease.pricePerGpuHour, uint256(offer.gpusPerUnit) * units, duration);
        emit LeaseEnded(leaseId, EndReason.Expired, end, accrued, 0, 0);
    }

    /// @inheritdoc IGridleaseMarketCore
    function claim(uint256[] calldata leaseIds) external override nonReentrant {
        uint256 count = leaseIds.length;
        // Checks
        if (count == 0) revert Errors.Market_EmptyLeaseList();
        if (count > MAX_CLAIM_BATCH) revert Errors.Market_TooManyLeases();

        // Per payment token: the gross released and the fee kept. Providers use one or two tokens, so a short
        // linear search beats a mapping.
        address[] memory tokens = new address[](count);
        uint256[] memory gross = new uint256[](count);
        uint256[] memory fees = new uint256[](count);
        uint256 tokenCount;

        // Effects
        for (uint256 i = 0; i < count; ++i) {
            uint256 leaseId = leaseIds[i];
            Lease storage lease = _leases[leaseId];
            uint8 phase = lease.phase;
            _requireLease(phase, leaseId);
            Offer storage offer = _offers[lease.offerId];
            if (offer.provider != msg.sender) revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
            if (phase == PHASE_PENDING) continue;

            // An ended lease's end is its end time, so this is its final accrual. Outage-free leases (the common
            // case) are read field by field; a copy of the whole lease per iteration would cost memory.
            uint256 accrued =
                lease.flags != 0
                    ? _accruedAt(leaseId, lease, offer.gpusPerUnit, block.timestamp)
                    : LeaseMath.cost(
                        lease.pricePerGpuHour,
                        uint256(offer.gpusPerUnit) * lease.units,
                        LeaseMath.elapsed(lease.start, lease.duration, block.timestamp)
                    );
            uint256 settled = lease.settled;
            if (accrued == settled) continue;
            uint256 leaseFeeBps = lease.feeBps;
            uint256 fee = LeaseMath.feeOn(accrued, leaseFeeBps) - LeaseMath.feeOn(settled, leaseFeeBps);
            // accrued <= deposit <= type(uint104).max, checked when the lease was opened or extended.
            lease.settled = uint104(accrued);
            emit EarningsClaimed(leaseId, msg.sender, accrued - settled, fee);

            address token = offer.paymentToken;
            uint256 t = 0;
            while (t < tokenCount && tokens[t] != token) ++t;
            if (t == tokenCount) {
                tokens[t] = token;
                ++tokenCount;
            }
            gross[t] += accrued - settled;
            fees[t] += fee;
        }
        if (tokenCount == 0) revert Errors.Market_NothingToClaim();
        for (uint256 t = 0; t < tokenCount; ++t) {
            if (fees[t] != 0) _protocolFees[tokens[t]] += fees[t];
        }

        // Interactions
        for (uint256 t = 0; t < tokenCount; ++t) {
            // A claim of one base unit can be all fee; some tokens revert on zero transfers.
            uint256 net = gross[t] - fees[t];
            if (net != 0) IERC20(tokens[t]).safeTransfer(msg.sender, net);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                OUTAGES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketCore
    function reportOutage(uint256 leaseId, uint256 units, bytes32 evidenceHash) external override {
        // Checks
        Lease storage lease = _leases[leaseId];
        Lease memory snap = lease;
        _requireLease(snap.phase, leaseId);
        if (msg.sender != snap.buyer) revert Errors.Market_NotLeaseBuyer(leaseId, msg.sender);
        LeaseStatus status = _status(leaseId, snap);
        if (status != LeaseStatus.Active) revert Errors.Market_UnexpectedStatus(leaseId, status);
        uint256 leaseUnits = snap.units;
        if (units == 0 || units > leaseUnits)
            revert Errors.Market_InvalidOutageUnits(leaseId, units, leaseUnits);
        Outage storage outage = _outages[leaseId];
        uint256 reports = outage.reports;
        if (reports >= MAX_OUTAGE_REPORTS)
            revert Errors.Market_TooManyOutageReports(leaseId, MAX_OUTAGE_REPORTS);
        uint256 since = outage.since;
        uint256 deadline;

        // Effects
        if (since != 0) {
            // A raise: bill the servers already down at the old count up to now, and keep the deadline.
            uint256 downUnits = outage.downUnits;
            if (units <= downUnits) revert Errors.Market_OutageUnitsNotRaised(leaseId, units, downUnits);
            outage.downUnitSeconds += uint64(downUnits * (block.timestamp - since));
            deadline = outage.deadline;
        } else {
            uint256 lastResolved = outage.lastResolved;
            // Soon after a resolution the clock does not restart: a server "resolved" without repair keeps its
            // deadline, even one already past.
            deadline =
                lastResolved != 0 && block.timestamp < lastResolved + REPORT_COOLDOWN
                    ? outage.deadline
                    : block.timestamp + _offers[snap.offerId].repairWindow;
            outage.deadline = uint40(deadline);
            if (snap.flags & FLAG_OUTAGE == 0) lease.flags = snap.flags | FLAG_OUTAGE;
        }
        outage.since = uint40(block.timestamp);
        outage.downUnits = uint16(units);
        outage.reports = uint8(reports + 1);
        emit OutageReported(leaseId, msg.sender, units, evidenceHash, deadline, reports + 1);
    }

    /// @inheritdoc IGridleaseMarketCore
    function resolveOutage(uint256 leaseId, bytes calldata encryptedAccess) external override {
        // Checks
        Lease memory snap = _leases[leaseId];
        _requireLease(snap.phase, leaseId);
        if (msg.sender != _offers[snap.offerId].provider)
            revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
        Outage storage outage = _outages[leaseId];
        uint256 since = outage.since;
        if (snap.flags & FLAG_OUTAGE == 0 || since == 0) revert Errors.Market_NoOpenOutage(leaseId);
        LeaseStatus status = _status(leaseId, snap);
        if (status != LeaseStatus.Active) revert Errors.Market_UnexpectedStatus(leaseId, status);
        uint256 deadline = outage.deadline;
        if (block.timestamp > deadline) revert Errors.Market_RepairDeadlinePassed(leaseId, deadline);
        if (encryptedAccess.length > MAX_ACCESS_BYTES) {
            revert Errors.Market_AccessPayloadTooLarge(encryptedAccess.length, MAX_ACCESS_BYTES);
        }

        // Effects
        // The end moves by all resolved downtime over the lease's units, rounded down: the unit-seconds left
        // over are never billed, so the buyer gets them back when the lease ends.
        uint256 down = outage.downUnitSeconds + uint256(outage.downUnits) * (block.timestamp - since);
        uint256 oldExtension = outage.extension;
        uint256 extension = down / snap.units;
        outage.downUnitSeconds = uint64(down);
        outage.extension = uint32(extension);
        outage.since = 0;
        outage.downUnits = 0;
        outage.lastResolved = uint40(block.timestamp);
        emit OutageResolved(leaseId, extension - oldExtension, down, _endOf(leaseId, snap), encryptedAccess);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _openLease(
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 maxPricePerGpuHour,
        bytes32 buyerPublicKey
    ) private returns (uint256 leaseId) {
        Config memory config = _config;
        Offer storage offer = _offers[offerId];

        // Checks
        if (config.paused) revert Errors.Market_Paused();
        OfferHot memory o = _loadOffer(offer);
        (uint256 price, uint256 deposit, uint256 floor) = _checkOpen(
            o,
            offerId,
            units,
            duration,
            maxPricePerGpuHour
        );
        uint256 penalty = _penaltyFor(floor, deposit);
        // A lease on a committed offer, or one whose stake lifts its penalty above the floor, keeps a terms record.
        bool recorded = o.hasTerms || penalty != floor;
        leaseId = _recordLease(
            config,
            o,
            offer,
            offerId,
            units,
            duration,
            price,
            penalty,
            recorded ? FLAG_TERMS : 0,
            buyerPublicKey
        );
        if (recorded) {
            _leaseTerms[leaseId] = LeaseTerms({penalty: uint104(penalty), frozen: 0, term: uint32(duration)});
            emit LeaseTermsRecorded(leaseId, duration, 0, penalty);
        }

        // Interactions
        ExactTransfers.pullExact(IERC20(o.paymentToken), msg.sender, deposit);
    }

    /// @dev The checks and effects every new lease shares: the token, the key, the bond and the policy; the
    /// lease's two slots, its units and its bond reservation; `LeaseOpened`.
    function _recordLease(
        Config memory config,
        OfferHot memory o,
        Offer storage offer,
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 price,
        uint256 penalty,
        uint8 flags,
        bytes32 buyerPublicKey
    ) private returns (uint256 leaseId) {
        // Checks
        if ((config.allowedTokens >> o.tokenIndex) & 1 == 0)
            revert Errors.Market_TokenNotAllowed(o.paymentToken);
        if (buyerPublicKey == bytes32(0)) revert Errors.Market_InvalidPublicKey();
        Bond storage bond = _bonds[o.provider][o.tokenIndex];
        _checkBondAndPolicy(o, offer, bond, offerId, penalty);

        // Effects
        leaseId = config.nextLeaseId;
        uint256 deadline = block.timestamp + config.activationWindow;
        _config.nextLeaseId = uint64(leaseId + 1);
        // unchecked: units <= totalUnits - unitsInUse and penalty <= bond - locked (both checked), so neither
        // sum can overflow.
        unchecked {
            offer.unitsInUse += uint16(units);
            if (penalty != 0) bond.locked += uint128(penalty);
        }
        {
            Lease storage lease = _leases[leaseId];
            uint256 word0 =
                uint256(uint160(msg.sender)) |
                    (offerId << 160) |
                    (units << 192) |
                    (deadline << 208) |
                    (uint256(PHASE_PENDING) << 248);
            uint256 word1 =
                duration | (price << 32) | (uint256(flags) << 232) | (uint256(config.feeBps) << 240);
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                sstore(lease.slot, word0)
                sstore(add(lease.slot, 1), word1)
            }
        }
        emit LeaseOpened(leaseId, offerId, msg.sender, units, duration, buyerPublicKey);
    }
}
