// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGridleaseMarketExtension} from "./interfaces/IGridleaseMarketExtension.sol";
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
    OfferParams,
    OfferTerms,
    Outage,
    Provider,
    ReservedTerms,
    TopUpAllowance
} from "./types/DataTypes.sol";
import {GridleaseMarketState} from "./abstracts/GridleaseMarketState.sol";
import {GridleaseMarketSettlement} from "./abstracts/GridleaseMarketSettlement.sol";

/// @title GridleaseMarketExtension
/// @notice The part of the market off its hottest path: provider profiles and bonds, offers and their settings,
/// access rotation, outage resolution, and the reserved-capacity operations (see {IGridleaseMarketExtension}).
/// {GridleaseMarket} delegates to it every call it does not define itself, so this code runs on the market's
/// storage and its events come from the market's address; it delegates in turn every call it does not define to
/// {GridleaseMarketPeriphery} (attestation claims, admin, reads).
/// @dev It inherits exactly what the market inherits, in the same order, so all three see one storage layout; the
/// immutables are set to the market's. Called directly (not through the market), every function that writes
/// reverts with Market_NotDelegated.
contract GridleaseMarketExtension is
    IGridleaseMarketExtension,
    Ownable2Step,
    ReentrancyGuardTransient,
    GridleaseMarketState,
    GridleaseMarketSettlement
{
    using SafeERC20 for IERC20;

    address private immutable _SELF = address(this);

    /// @notice The code that serves attestation claims, administration and reads (see
    /// {IGridleaseMarketPeriphery}), run by delegatecall on the market's storage like this contract.
    address public immutable PERIPHERY;

    /// @dev The owner of this contract's own (unused) storage is its deployer; the market's owner is in the
    /// market's storage, which is the one that counts.
    constructor(
        IERC20 bondToken,
        uint256 penaltyBps,
        address periphery
    ) Ownable(msg.sender) GridleaseMarketState(bondToken, penaltyBps) {
        // Its immutables are read on the market's behalf: they must be the same as this contract's.
        if (
            periphery.code.length == 0 ||
            GridleaseMarketState(periphery).PENALTY_BPS() != penaltyBps ||
            GridleaseMarketState(periphery).BOND_TOKEN() != bondToken
        ) revert Errors.Market_ExtensionMismatch(periphery);
        PERIPHERY = periphery;
    }

    /// @dev Every function not defined here is the periphery's: run it on the market's storage.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        // Called on this contract itself, the periphery would run on this contract's empty storage: refuse, as
        // every function here does.
        if (address(this) == _SELF) revert Errors.Market_NotDelegated();
        address periphery = PERIPHERY;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), periphery, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) {
                revert(ptr, returndatasize())
            }
            return(ptr, returndatasize())
        }
    }

    /// @dev Only through the market's delegatecall: on its own storage this contract is meaningless.
    modifier onlyDelegated() {
        if (address(this) == _SELF) revert Errors.Market_NotDelegated();
        _;
    }

    /*//////////////////////////////////////////////////////////////
                           PROVIDERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketExtension
    function registerProvider(string calldata metadataURI) external override onlyDelegated {
        Provider storage provider = _providers[msg.sender];
        // Checks
        if (provider.registered) revert Errors.Market_ProviderAlreadyRegistered(msg.sender);
        // Effects
        provider.registered = true;
        emit ProviderRegistered(msg.sender, metadataURI);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function updateProvider(string calldata metadataURI) external override onlyDelegated {
        // Checks
        if (!_providers[msg.sender].registered) revert Errors.Market_ProviderNotRegistered(msg.sender);
        // Effects
        emit ProviderUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function depositBond(address token, uint256 amount) external override onlyDelegated nonReentrant {
        // Checks
        if (!_providers[msg.sender].registered) revert Errors.Market_ProviderNotRegistered(msg.sender);
        uint256 tokenIndex = _allowedTokenIndex(_config.allowedTokens, token);
        if (amount == 0) revert Errors.Market_ZeroAmount();
        // Checked before the sum, which could otherwise overflow uint256 (a panic, not an error).
        if (amount > type(uint128).max) revert Errors.Market_InvalidBond(amount, type(uint128).max);
        Bond storage bond = _bonds[msg.sender][tokenIndex];
        uint256 newBond = bond.amount + amount;
        if (newBond > type(uint128).max) revert Errors.Market_InvalidBond(newBond, type(uint128).max);
        // Effects
        bond.amount = uint128(newBond);
        emit BondDeposited(msg.sender, token, amount, newBond);
        // Interactions
        ExactTransfers.pullExact(IERC20(token), msg.sender, amount);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function withdrawBond(address token, uint256 amount) external override onlyDelegated nonReentrant {
        // Checks
        uint256 indexPlusOne = _tokenIndex[token];
        if (indexPlusOne == 0) revert Errors.Market_TokenNotAllowed(token);
        Bond storage bond = _bonds[msg.sender][indexPlusOne - 1];
        if (amount == 0) revert Errors.Market_ZeroAmount();
        uint256 amountNow = bond.amount;
        if (amount > amountNow) revert Errors.Market_WithdrawalExceedsBond(msg.sender, amountNow, amount);
        uint256 locked = bond.locked;
        if (amount > amountNow - locked) {
            revert Errors.Market_BondLocked(msg.sender, locked, amountNow - locked);
        }
        // Effects
        // unchecked: amount <= amountNow was checked just above.
        unchecked {
            bond.amount = uint128(amountNow - amount);
        }
        emit BondWithdrawn(msg.sender, token, amount, amountNow - amount);
        // Interactions
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                             OFFERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketExtension
    function createOffer(OfferParams calldata p) external override onlyDelegated returns (uint256 offerId) {
        offerId = _createOffer(p, false);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function createReservedOffer(
        OfferParams calldata p,
        ReservedTerms calldata t
    ) external override onlyDelegated returns (uint256 offerId) {
        // Checks
        uint256 window = t.prepaidWindow;
        if (window != 0 && (window < MIN_PREPAID_WINDOW || window > p.maxDuration)) {
            revert Errors.Market_InvalidPrepaidWindow(window, MIN_PREPAID_WINDOW, p.maxDuration);
        }
        uint256 commitment = t.commitment;
        uint256 notice = t.noticePeriod;
        uint256 fee = t.exitFeeBps;
        bool valid =
            commitment == 0
                ? notice == 0 && fee == 0 && window != 0
                : commitment <= p.minDuration &&
                    (notice == 0) != (fee == 0) &&
                    notice <= commitment &&
                    fee <= MAX_EXIT_FEE_BPS;
        if (!valid) revert Errors.Market_InvalidCommitment(commitment, notice, fee);
        offerId = _createOffer(p, true);
        // Effects
        _offerTerms[offerId] = OfferTerms({
            prepaidWindow: uint32(window),
            commitment: uint32(commitment),
            noticePeriod: uint32(notice),
            exitFeeBps: uint16(fee)
        });
        emit OfferTermsSet(offerId, window, commitment, notice, fee);
    }

    /// @dev Checks `p` and stores the offer; `hasTerms` marks it as having {OfferTerms}, which the caller writes.
    function _createOffer(OfferParams calldata p, bool hasTerms) private returns (uint256 offerId) {
        Config memory config = _config;
        // Checks
        if (config.paused) revert Errors.Market_Paused();
        if (!_providers[msg.sender].registered) revert Errors.Market_ProviderNotRegistered(msg.sender);
        uint256 tokenIndex = _allowedTokenIndex(config.allowedTokens, p.paymentToken);
        if (p.gpusPerUnit == 0 || p.gpusPerUnit > MAX_GPUS_PER_UNIT) {
            revert Errors.Market_InvalidGpusPerUnit(p.gpusPerUnit, MAX_GPUS_PER_UNIT);
        }
        _checkTotalUnits(p.totalUnits);
        _checkPrice(p.pricePerGpuHour);
        if (p.minDuration == 0 || p.minDuration > p.maxDuration || p.maxDuration > MAX_LEASE_DURATION) {
            revert Errors.Market_InvalidDurationRange(p.minDuration, p.maxDuration, MAX_LEASE_DURATION);
        }
        _checkRepairWindow(p.repairWindow);
        // At most 104 bits, like a deposit: the penalty a lease records (half of it at most) then fits its record.
        if (p.minProviderBond > type(uint104).max) {
            revert Errors.Market_InvalidBond(p.minProviderBond, type(uint104).max);
        }
        if (p.gpuModel == bytes32(0) || p.region == bytes8(0)) revert Errors.Market_EmptyLabel();
        // A policy without code would make every `openLease` revert with no reason.
        if (p.buyerPolicy != address(0) && p.buyerPolicy.code.length == 0) {
            revert Errors.Market_PolicyNotContract(p.buyerPolicy);
        }
        offerId = config.nextOfferId;
        // Lease records keep the offer id in 32 bits.
        if (offerId > type(uint32).max) revert Errors.Market_OfferIdsExhausted();

        // Effects
        _config.nextOfferId = uint64(offerId + 1);
        _offers[offerId] = Offer({
            provider: msg.sender,
            gpusPerUnit: uint16(p.gpusPerUnit),
            totalUnits: uint16(p.totalUnits),
            unitsInUse: 0,
            paused: false,
            hasPolicy: p.buyerPolicy != address(0),
            maxDuration: uint32(p.maxDuration),
            paymentToken: p.paymentToken,
            pricePerGpuHour: uint96(p.pricePerGpuHour),
            minDuration: uint32(p.minDuration),
            minProviderBond: uint120(p.minProviderBond),
            hasTerms: hasTerms,
            region: p.region,
            tokenIndex: uint8(tokenIndex),
            repairWindow: uint24(p.repairWindow),
            buyerPolicy: p.buyerPolicy,
            gpuModel: p.gpuModel,
            specHash: p.specHash
        });
        emit OfferCreated(offerId, msg.sender, p.paymentToken, p);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function setOfferPrice(uint256 offerId, uint256 newPrice) external override onlyDelegated {
        Offer storage offer = _offerOf(offerId);
        // Checks
        _checkPrice(newPrice);
        // Effects
        uint256 oldPrice = offer.pricePerGpuHour;
        offer.pricePerGpuHour = uint96(newPrice);
        emit OfferPriceChanged(offerId, oldPrice, newPrice);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function setOfferUnits(uint256 offerId, uint256 newTotalUnits) external override onlyDelegated {
        Offer storage offer = _offerOf(offerId);
        // Checks
        _checkTotalUnits(newTotalUnits);
        uint256 inUse = offer.unitsInUse;
        if (newTotalUnits < inUse) revert Errors.Market_UnitsBelowInUse(offerId, newTotalUnits, inUse);
        // Effects
        uint256 oldTotal = offer.totalUnits;
        offer.totalUnits = uint16(newTotalUnits);
        emit OfferUnitsChanged(offerId, oldTotal, newTotalUnits);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function setOfferPaused(uint256 offerId, bool pause) external override onlyDelegated {
        Offer storage offer = _offerOf(offerId);
        // Checks
        if (offer.paused == pause) revert Errors.Market_OfferAlreadyInState(offerId, pause);
        // Effects
        offer.paused = pause;
        emit OfferPausedSet(offerId, pause);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function setOfferRepairWindow(uint256 offerId, uint256 window) external override onlyDelegated {
        Offer storage offer = _offerOf(offerId);
        // Checks
        _checkRepairWindow(window);
        // Effects
        uint256 old = offer.repairWindow;
        offer.repairWindow = uint24(window);
        emit OfferRepairWindowSet(offerId, old, window);
    }

    /*//////////////////////////////////////////////////////////////
                             LEASES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketExtension
    function rotateAccess(uint256 leaseId, bytes calldata encryptedAccess) external override onlyDelegated {
        // Checks
        Lease storage lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        if (msg.sender != _offers[lease.offerId].provider)
            revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
        LeaseStatus status = _status(leaseId, lease);
        if (status != LeaseStatus.Active) revert Errors.Market_UnexpectedStatus(leaseId, status);
        _checkAccessPayload(encryptedAccess);
        // Effects
        emit LeaseAccessRotated(leaseId, encryptedAccess);
    }

    /*//////////////////////////////////////////////////////////////
                       RESERVED CAPACITY
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketExtension
    function setTopUpAllowance(
        uint256 leaseId,
        uint256 perTopUp,
        uint256 totalCap,
        uint256 runwayThreshold
    ) public override onlyDelegated {
        Lease storage lease = _leases[leaseId];
        uint8 phase = lease.phase;
        // Checks
        _requireLease(phase, leaseId);
        if (msg.sender != lease.buyer) revert Errors.Market_NotLeaseBuyer(leaseId, msg.sender);
        if (lease.flags & FLAG_ROLLING == 0) revert Errors.Market_NotRollingLease(leaseId);
        if (phase > PHASE_ACTIVE) revert Errors.Market_UnexpectedStatus(leaseId, LeaseStatus.Ended);
        if (
            perTopUp == 0 ||
            perTopUp > totalCap ||
            totalCap > type(uint104).max ||
            runwayThreshold == 0 ||
            runwayThreshold > MAX_LEASE_DURATION
        ) revert Errors.Market_InvalidTopUpAllowance(perTopUp, totalCap, runwayThreshold);
        // Effects
        _topUps[leaseId] = TopUpAllowance({
            perTopUp: uint104(perTopUp),
            remaining: uint104(totalCap),
            runwayThreshold: uint32(runwayThreshold)
        });
        emit TopUpAllowanceSet(leaseId, perTopUp, totalCap, runwayThreshold);
    }

    /// @inheritdoc IGridleaseMarketExtension
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
    ) external override onlyDelegated {
        address token = _offers[_leases[leaseId].offerId].paymentToken;
        if (token != address(0)) {
            // A permit that fails (already used by a front-runner, or not supported) is not fatal: top-ups pull
            // only what the token allowance holds, and fail with the token's own error when it does not.
            // solhint-disable no-empty-blocks
            try
                IERC20Permit(token).permit(msg.sender, address(this), permitValue, permitDeadline, v, r, s)
            {} catch {}
            // solhint-enable no-empty-blocks
        }
        setTopUpAllowance(leaseId, perTopUp, totalCap, runwayThreshold);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function revokeTopUpAllowance(uint256 leaseId) external override onlyDelegated {
        Lease storage lease = _leases[leaseId];
        // Checks
        _requireLease(lease.phase, leaseId);
        if (msg.sender != lease.buyer) revert Errors.Market_NotLeaseBuyer(leaseId, msg.sender);
        if (_topUps[leaseId].perTopUp == 0) revert Errors.Market_TopUpNotAllowed(leaseId);
        // Effects
        delete _topUps[leaseId];
        emit TopUpAllowanceRevoked(leaseId);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function executeTopUp(
        uint256 leaseId,
        uint256 addedDuration
    ) external override onlyDelegated nonReentrant {
        Lease storage lease = _leases[leaseId];
        Lease memory snap = lease;
        // Checks
        _requireLease(snap.phase, leaseId);
        TopUpAllowance memory allowance = _topUps[leaseId];
        if (allowance.perTopUp == 0) revert Errors.Market_TopUpNotAllowed(leaseId);
        // An allowance exists only on a rolling lease, so only the phase is left to check.
        if (snap.phase != PHASE_ACTIVE)
            revert Errors.Market_UnexpectedStatus(leaseId, _status(leaseId, snap));
        if (addedDuration == 0) revert Errors.Market_ZeroDuration();
        uint256 fundedEnd = _fundedEndOf(leaseId, snap);
        uint256 runway = fundedEnd > block.timestamp ? fundedEnd - block.timestamp : 0;
        if (runway >= allowance.runwayThreshold) {
            revert Errors.Market_RunwayAboveThreshold(leaseId, runway, allowance.runwayThreshold);
        }
        uint256 term = _leaseTerms[leaseId].term;
        uint256 funded = snap.duration;
        // Reports the seconds that would pass the term (the sum could overflow for a huge addedDuration).
        if (addedDuration > term - funded) {
            revert Errors.Market_DurationOutOfRange(addedDuration, 1, term - funded);
        }
        Offer storage offer = _offers[snap.offerId];
        uint256 limit = block.timestamp + _offerTerms[snap.offerId].prepaidWindow;
        if (fundedEnd + addedDuration > limit) {
            revert Errors.Market_TopUpBeyondWindow(leaseId, fundedEnd + addedDuration, limit);
        }
        uint256 gpus = uint256(offer.gpusPerUnit) * snap.units;
        uint256 price = snap.pricePerGpuHour;
        // The term's cost fits in 104 bits (checked at open), so neither cost can overflow.
        uint256 amount =
            LeaseMath.cost(price, gpus, funded + addedDuration) - LeaseMath.cost(price, gpus, funded);
        if (amount > allowance.perTopUp) {
            revert Errors.Market_TopUpAboveCap(leaseId, amount, allowance.perTopUp);
        }
        if (amount > allowance.remaining) {
            revert Errors.Market_TopUpAllowanceExhausted(leaseId, amount, allowance.remaining);
        }
        // Effects
        uint256 remaining = allowance.remaining - amount;
        lease.duration = uint32(funded + addedDuration);
        _topUps[leaseId].remaining = uint104(remaining);
        emit TopUpExecuted(leaseId, msg.sender, addedDuration, amount, fundedEnd + addedDuration, remaining);
        // Interactions
        if (amount != 0) ExactTransfers.pullExact(IERC20(offer.paymentToken), snap.buyer, amount);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function releaseServers(uint256 leaseId, uint256 count) external override onlyDelegated nonReentrant {
        _endServers(leaseId, count, false);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function failServers(uint256 leaseId, uint256 count) external override onlyDelegated nonReentrant {
        _endServers(leaseId, count, true);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function endUnfunded(uint256 leaseId) external override onlyDelegated nonReentrant {
        Lease storage lease = _leases[leaseId];
        Lease memory snap = lease;
        // Checks
        _requireLease(snap.phase, leaseId);
        Offer storage offer = _offers[snap.offerId];
        if (msg.sender != offer.provider) revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
        if (snap.phase != PHASE_ACTIVE)
            revert Errors.Market_UnexpectedStatus(leaseId, _status(leaseId, snap));
        if (snap.flags & FLAG_ROLLING == 0) revert Errors.Market_NotRollingLease(leaseId);
        if (snap.duration >= _leaseTerms[leaseId].term) revert Errors.Market_LeaseFunded(leaseId);
        uint256 graceEnds = _fundedEndOf(leaseId, snap) + GRACE_PERIOD;
        if (block.timestamp <= graceEnds) revert Errors.Market_GraceNotOver(leaseId, graceEnds);
        // As for a termination: a lease whose outage went unresolved ends as unresolved, penalty included and no
        // exit charge, whoever ends it.
        EndReason reason =
            snap.flags & FLAG_OUTAGE != 0 && _unresolvedExitOpen(_outages[leaseId], _endOf(leaseId, snap))
                ? EndReason.OutageUnresolved
                : EndReason.Unfunded;
        _endLease(leaseId, lease, snap, offer, reason);
    }

    /// @inheritdoc IGridleaseMarketExtension
    function endUnresolvedOutage(uint256 leaseId) external override onlyDelegated nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        Lease memory snap = lease;
        _requireLease(snap.phase, leaseId);
        if (snap.phase != PHASE_ACTIVE)
            revert Errors.Market_UnexpectedStatus(leaseId, _status(leaseId, snap));
        if (snap.flags & FLAG_OUTAGE == 0 || !_unresolvedExitOpen(_outages[leaseId], _endOf(leaseId, snap))) {
            revert Errors.Market_OutageExitClosed(leaseId);
        }
        _endLease(leaseId, lease, snap, _offers[snap.offerId], EndReason.OutageUnresolved);
    }

    /// @dev Ends `count` servers of a running lease, its buyer releasing them (`failed` false) or its provider
    /// failing them. What those servers earned so far is frozen into the lease's terms record (so the units x time
    /// formula then covers the remaining servers only), the unused rest of their deposit and escrowed exit terms is
    /// refunded less the exit charge of a release, and their share of the penalty leaves the reservation: paid to
    /// the buyer, rounded up, when failed; released, rounded down, when released.
    function _endServers(uint256 leaseId, uint256 count, bool failed) private {
        Lease storage lease = _leases[leaseId];
        Lease memory snap = lease;
        // Checks
        _requireLease(snap.phase, leaseId);
        Offer storage offer = _offers[snap.offerId];
        if (failed) {
            if (msg.sender != offer.provider) revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
        } else if (msg.sender != snap.buyer) {
            revert Errors.Market_NotLeaseBuyer(leaseId, msg.sender);
        }
        LeaseStatus status = _status(leaseId, snap);
        if (status != LeaseStatus.Active) revert Errors.Market_UnexpectedStatus(leaseId, status);
        uint256 units = snap.units;
        if (count == 0 || count >= units) revert Errors.Market_InvalidServerCount(leaseId, count, units);

        // Effects
        uint256 left = units - count;
        uint256 frozenAdd = _freezeServers(leaseId, snap, offer.gpusPerUnit, count, failed);
        (uint256 available, uint256 charge) = _releasedValue(leaseId, snap, offer, count, failed);
        // What the released servers' deposit and exit escrow leave after their earnings and charge. Rounding can
        // make the earnings exceed it by a base unit: the buyer is never charged more than it paid.
        if (frozenAdd > available) frozenAdd = available;
        if (frozenAdd + charge > available) charge = available - frozenAdd;
        uint256 refund = available - frozenAdd - charge;

        (uint256 reserved, uint256 share) = _takePenaltyShare(
            leaseId,
            snap.flags,
            offer,
            count,
            units,
            failed
        );
        lease.units = uint16(left);
        offer.unitsInUse -= uint16(count);
        if (snap.flags & FLAG_TERMS != 0) {
            LeaseTerms storage terms = _leaseTerms[leaseId];
            terms.penalty = uint104(reserved - share);
            terms.frozen += uint104(frozenAdd + charge);
        } else {
            _leaseTerms[leaseId] = LeaseTerms({
                penalty: uint104(reserved - share),
                frozen: uint104(frozenAdd + charge),
                term: snap.duration
            });
            lease.flags = snap.flags | FLAG_TERMS;
        }
        if (failed) {
            emit ServersFailed(leaseId, count, refund, share);
        } else {
            emit ServersReleased(leaseId, count, refund, charge, share);
        }

        // Interactions
        address token = offer.paymentToken;
        if (refund != 0) _payOut(IERC20(token), snap.buyer, refund);
        if (failed && share != 0) _payOut(IERC20(token), snap.buyer, share);
    }

    /// @dev Takes `count` servers' share of the penalty a lease reserves off its provider's bond reservation: rounded
    /// up and paid out of the bond when they failed, rounded down and only released when the buyer released them.
    /// Returns the reservation before and the share.
    function _takePenaltyShare(
        uint256 leaseId,
        uint8 flags,
        Offer storage offer,
        uint256 count,
        uint256 units,
        bool failed
    ) private returns (uint256 reserved, uint256 share) {
        reserved = _reservedPenalty(leaseId, flags, offer);
        share = failed ? (reserved * count + units - 1) / units : (reserved * count) / units;
        if (share != 0) {
            Bond storage bond = _bonds[offer.provider][offer.tokenIndex];
            // unchecked: share <= reserved, which is part of both the locked and the whole bond.
            unchecked {
                bond.locked -= uint128(share);
                if (failed) bond.amount -= uint128(share);
            }
        }
    }

    /// @dev Freezes what a lease earned so far that the formula will no longer count once `count` of its servers
    /// are gone, and returns it. With an outage record, the open outage is folded in up to now and the record is
    /// rebased to the servers left: its down unit-seconds become max(left x extension, down - count x served), so
    /// the end does not move and the remaining servers' billing stays non-negative; an open outage keeps its
    /// deadline with its down count cut by a failure (or capped at the servers left by a release).
    function _freezeServers(
        uint256 leaseId,
        Lease memory snap,
        uint256 gpusPerUnit,
        uint256 count,
        bool failed
    ) private returns (uint256) {
        uint256 units = snap.units;
        uint256 left = units - count;
        uint256 price = snap.pricePerGpuHour;
        if (snap.flags & FLAG_OUTAGE == 0) {
            uint256 served = LeaseMath.elapsed(snap.start, snap.duration, block.timestamp);
            return
                LeaseMath.cost(price, gpusPerUnit * units, served) -
                LeaseMath.cost(price, gpusPerUnit * left, served);
        }
        Outage storage outage = _outages[leaseId];
        uint256 extension = outage.extension;
        uint256 servedSeconds = LeaseMath.elapsed(
            snap.start,
            uint256(snap.duration) + extension,
            block.timestamp
        );
        uint256 t = uint256(snap.start) + servedSeconds;
        uint256 down = _downUnitSeconds(outage, t);
        uint256 gone = count * servedSeconds;
        uint256 newDown = down > gone ? down - gone : 0;
        if (newDown < left * extension) newDown = left * extension;
        outage.downUnitSeconds = uint64(newDown);
        uint256 since = outage.since;
        if (since != 0) {
            uint256 downUnits = outage.downUnits;
            if (failed) downUnits = downUnits > count ? downUnits - count : 0;
            else if (downUnits > left) downUnits = left;
            outage.downUnits = uint16(downUnits);
            if (downUnits == 0) outage.since = 0;
            else if (t > since) outage.since = uint40(t);
        }
        return
            LeaseMath.cost(price, gpusPerUnit, units * servedSeconds - down) -
            LeaseMath.cost(price, gpusPerUnit, left * servedSeconds - newDown);
    }

    /// @dev The part of a lease's deposit (and escrowed exit terms) that `count` of its servers account for, and
    /// the exit charge a release of them costs (`_exitChargeFor`).
    function _releasedValue(
        uint256 leaseId,
        Lease memory snap,
        Offer storage offer,
        uint256 count,
        bool failed
    ) private view returns (uint256 available, uint256 charge) {
        uint256 gpusPerUnit = offer.gpusPerUnit;
        uint256 units = snap.units;
        uint256 price = snap.pricePerGpuHour;
        available =
            LeaseMath.cost(price, gpusPerUnit * units, snap.duration) -
            LeaseMath.cost(price, gpusPerUnit * (units - count), snap.duration);
        if (offer.hasTerms) {
            OfferTerms memory terms = _offerTerms[snap.offerId];
            if (snap.flags & FLAG_ROLLING != 0) {
                available +=
                    _exitEscrowOf(terms, price, gpusPerUnit * units) -
                    _exitEscrowOf(terms, price, gpusPerUnit * (units - count));
            }
            if (!failed) charge = _exitChargeFor(leaseId, snap, terms, gpusPerUnit, count, block.timestamp);
        }
    }
}
