// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGridleaseMarket} from "./interfaces/IGridleaseMarket.sol";
import {Errors} from "./libraries/Errors.sol";
import {LeaseMath} from "./libraries/LeaseMath.sol";
import {ExactTransfers} from "./libraries/ExactTransfers.sol";
import {EndReason, Lease, LeaseStatus, Offer, OfferParams, Provider} from "./types/DataTypes.sol";
import {GridleaseMarketState} from "./abstracts/GridleaseMarketState.sol";

/// @title GridleaseMarket
/// @notice See {IGridleaseMarket}. Holds every escrowed deposit, every provider bond and the unclaimed protocol
/// fees; for each token its balance is exactly their sum (see test/contracts/invariant/README.md).
contract GridleaseMarket is IGridleaseMarket, Ownable2Step, ReentrancyGuardTransient, GridleaseMarketState {
    using SafeERC20 for IERC20;

    /// @dev Constants, storage and reads are in {GridleaseMarketState}; this contract holds the behaviour.
    constructor(
        address initialOwner,
        address treasury_,
        IERC20 bondToken,
        uint256 feeBps_,
        uint256 activationWindow_,
        uint256 penaltyBps
    ) Ownable(initialOwner) GridleaseMarketState(bondToken, penaltyBps) {
        if (treasury_ == address(0) || address(bondToken) == address(0)) revert Errors.Market_ZeroAddress();
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
        emit TreasurySet(address(0), treasury_);
        emit ProtocolFeeSet(0, feeBps_);
        emit ActivationWindowSet(0, activationWindow_);
    }

    /*//////////////////////////////////////////////////////////////
                               PROVIDERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarket
    function registerProvider(string calldata metadataURI) external override {
        Provider storage provider = _providers[msg.sender];
        // Checks
        if (provider.registered) revert Errors.Market_ProviderAlreadyRegistered(msg.sender);
        // Effects
        provider.registered = true;
        emit ProviderRegistered(msg.sender, metadataURI);
    }

    /// @inheritdoc IGridleaseMarket
    function updateProvider(string calldata metadataURI) external override {
        // Checks
        if (!_providers[msg.sender].registered) revert Errors.Market_ProviderNotRegistered(msg.sender);
        // Effects
        emit ProviderUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc IGridleaseMarket
    function depositBond(uint256 amount) external override nonReentrant {
        Provider storage provider = _providers[msg.sender];
        // Checks
        if (!provider.registered) revert Errors.Market_ProviderNotRegistered(msg.sender);
        if (amount == 0) revert Errors.Market_ZeroAmount();
        uint256 newBond = provider.bond + amount;
        if (newBond > type(uint128).max) revert Errors.Market_InvalidBond(newBond, type(uint128).max);
        // Effects
        provider.bond = uint128(newBond);
        emit BondDeposited(msg.sender, amount, newBond);
        // Interactions
        ExactTransfers.pullExact(BOND_TOKEN, msg.sender, amount);
    }

    /// @inheritdoc IGridleaseMarket
    function withdrawBond(uint256 amount) external override nonReentrant {
        Provider storage provider = _providers[msg.sender];
        // Checks
        if (amount == 0) revert Errors.Market_ZeroAmount();
        uint256 bond = provider.bond;
        if (amount > bond) revert Errors.Market_WithdrawalExceedsBond(msg.sender, bond, amount);
        uint256 locked = provider.lockedBond;
        if (amount > bond - locked) revert Errors.Market_BondLocked(msg.sender, locked, bond - locked);
        // Effects
        // unchecked: amount <= bond was checked just above.
        unchecked {
            provider.bond = uint128(bond - amount);
        }
        emit BondWithdrawn(msg.sender, amount, bond - amount);
        // Interactions
        BOND_TOKEN.safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 OFFERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarket
    function createOffer(OfferParams calldata p) external override returns (uint256 offerId) {
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
        if (p.minProviderBond > type(uint128).max) {
            revert Errors.Market_InvalidBond(p.minProviderBond, type(uint128).max);
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
            minProviderBond: uint128(p.minProviderBond),
            region: p.region,
            tokenIndex: uint8(tokenIndex),
            buyerPolicy: p.buyerPolicy,
            gpuModel: p.gpuModel,
            specHash: p.specHash
        });
        emit OfferCreated(offerId, msg.sender, p.paymentToken, p);
    }

    /// @inheritdoc IGridleaseMarket
    function setOfferPrice(uint256 offerId, uint256 newPrice) external override {
        Offer storage offer = _offerOf(offerId);
        // Checks
        _checkPrice(newPrice);
        // Effects
        uint256 oldPrice = offer.pricePerGpuHour;
        offer.pricePerGpuHour = uint96(newPrice);
        emit OfferPriceChanged(offerId, oldPrice, newPrice);
    }

    /// @inheritdoc IGridleaseMarket
    function setOfferUnits(uint256 offerId, uint256 newTotalUnits) external override {
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

    /// @inheritdoc IGridleaseMarket
    function setOfferPaused(uint256 offerId, bool pause) external override {
        Offer storage offer = _offerOf(offerId);
        // Checks
        if (offer.paused == pause) revert Errors.Market_OfferAlreadyInState(offerId, pause);
        // Effects
        offer.paused = pause;
        emit OfferPausedSet(offerId, pause);
    }

    /*//////////////////////////////////////////////////////////////
                                 LEASES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarket
    function openLease(
        uint256 offerId,
        uint256 units,
        uint256 duration,
        uint256 maxPricePerGpuHour,
        bytes32 buyerPublicKey
    ) external override nonReentrant returns (uint256 leaseId) {
        return _openLease(offerId, units, duration, maxPricePerGpuHour, buyerPublicKey);
    }

    /// @inheritdoc IGridleaseMarket
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

    /// @inheritdoc IGridleaseMarket
    function activateLease(uint256 leaseId, bytes calldata encryptedAccess) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        uint8 phase = lease.phase;
        _requireLease(phase, leaseId);
        if (msg.sender != _offers[lease.offerId].provider)
            revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
        if (phase != PHASE_PENDING) revert Errors.Market_UnexpectedStatus(leaseId, _status(lease));
        uint256 deadline = lease.start;
        if (block.timestamp > deadline) revert Errors.Market_ActivationWindowMissed(leaseId, deadline);
        _checkAccessPayload(encryptedAccess);
        // Effects
        lease.phase = PHASE_ACTIVE;
        lease.start = uint40(block.timestamp);
        emit LeaseActivated(leaseId, block.timestamp, block.timestamp + lease.duration, encryptedAccess);
    }

    /// @inheritdoc IGridleaseMarket
    function rotateAccess(uint256 leaseId, bytes calldata encryptedAccess) external override {
        // Checks
        Lease storage lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        if (msg.sender != _offers[lease.offerId].provider)
            revert Errors.Market_NotLeaseProvider(leaseId, msg.sender);
        LeaseStatus status = _status(lease);
        if (status != LeaseStatus.Active) revert Errors.Market_UnexpectedStatus(leaseId, status);
        _checkAccessPayload(encryptedAccess);
        // Effects
        emit LeaseAccessRotated(leaseId, encryptedAccess);
    }

    /// @inheritdoc IGridleaseMarket
    function extendLease(uint256 leaseId, uint256 addedDuration) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        LeaseStatus status = _status(lease);
        if (status != LeaseStatus.Pending && status != LeaseStatus.Active) {
            revert Errors.Market_UnexpectedStatus(leaseId, status);
        }
        if (addedDuration == 0) revert Errors.Market_ZeroDuration();
        Offer storage offer = _offers[lease.offerId];
        uint256 oldDuration = lease.duration;
        uint256 newDuration = oldDuration + addedDuration;
        uint256 maxDuration = offer.maxDuration;
        if (newDuration > maxDuration) {
            revert Errors.Market_DurationOutOfRange(newDuration, offer.minDuration, maxDuration);
        }
        uint256 gpus = uint256(offer.gpusPerUnit) * lease.units;
        uint256 price = lease.pricePerGpuHour;
        uint256 newDeposit = LeaseMath.cost(price, gpus, newDuration);
        if (newDeposit > type(uint112).max) revert Errors.Market_DepositTooLarge(newDeposit);
        uint256 topUp = newDeposit - LeaseMath.cost(price, gpus, oldDuration);

        // Effects
        lease.duration = uint32(newDuration);
        emit LeaseExtended(leaseId, msg.sender, addedDuration, topUp);

        // Interactions
        if (topUp != 0) ExactTransfers.pullExact(IERC20(offer.paymentToken), msg.sender, topUp);
    }

    /// @inheritdoc IGridleaseMarket
    function terminateLease(uint256 leaseId) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        Offer storage offer = _offers[lease.offerId];
        bool byProvider = msg.sender == offer.provider;
        if (!byProvider && msg.sender != lease.buyer) revert Errors.Market_NotLeaseParty(leaseId, msg.sender);
        LeaseStatus status = _status(lease);
        // The provider may end a pending lease (refusing it, at the cost of the penalty); the buyer may not:
        // until the activation window has passed the provider is still within its rights.
        if (status != LeaseStatus.Active && !(byProvider && status == LeaseStatus.Pending)) {
            revert Errors.Market_UnexpectedStatus(leaseId, status);
        }
        uint256 used = status == LeaseStatus.Active ? block.timestamp - lease.start : 0;
        _endEarly(
            leaseId,
            lease,
            offer,
            used,
            byProvider ? EndReason.ProviderTerminated : EndReason.BuyerTerminated
        );
    }

    /// @inheritdoc IGridleaseMarket
    function cancelLease(uint256 leaseId) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        if (msg.sender != lease.buyer) revert Errors.Market_NotLeaseBuyer(leaseId, msg.sender);
        if (lease.phase != PHASE_PENDING) revert Errors.Market_UnexpectedStatus(leaseId, _status(lease));
        uint256 deadline = lease.start;
        if (block.timestamp <= deadline) revert Errors.Market_ActivationWindowOpen(leaseId, deadline);
        _endEarly(leaseId, lease, _offers[lease.offerId], 0, EndReason.NoShowCancelled);
    }

    /// @inheritdoc IGridleaseMarket
    function closeLease(uint256 leaseId) external override nonReentrant {
        // Checks
        Lease storage lease = _leases[leaseId];
        uint8 phase = lease.phase;
        _requireLease(phase, leaseId);
        if (phase != PHASE_ACTIVE) revert Errors.Market_UnexpectedStatus(leaseId, _status(lease));
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
            if (reserved != 0) _providers[offer.provider].lockedBond -= uint128(reserved);
        }
        uint256 accrued = LeaseMath.cost(lease.pricePerGpuHour, uint256(offer.gpusPerUnit) * units, duration);
        emit LeaseEnded(leaseId, EndReason.Expired, end, accrued, 0, 0);
    }

    /// @inheritdoc IGridleaseMarket
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

            // For an ended lease `duration` is the time billed, so this is its final accrual.
            uint256 accrued = LeaseMath.cost(
                lease.pricePerGpuHour,
                uint256(offer.gpusPerUnit) * lease.units,
                LeaseMath.elapsed(lease.start, lease.duration, block.timestamp)
            );
            uint256 settled = lease.settled;
            if (accrued == settled) continue;
            uint256 leaseFeeBps = lease.feeBps;
            uint256 fee = LeaseMath.feeOn(accrued, leaseFeeBps) - LeaseMath.feeOn(settled, leaseFeeBps);
            // accrued <= deposit <= type(uint112).max, checked when the lease was opened or extended.
            lease.settled = uint112(accrued);
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
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarket
    function setProtocolFee(uint256 feeBps_) external override onlyOwner {
        if (feeBps_ > MAX_FEE_BPS) revert Errors.Market_FeeTooHigh(feeBps_, MAX_FEE_BPS);
        uint256 old = _config.feeBps;
        _config.feeBps = uint16(feeBps_);
        emit ProtocolFeeSet(old, feeBps_);
    }

    /// @inheritdoc IGridleaseMarket
    function setTreasury(address treasury_) external override onlyOwner {
        if (treasury_ == address(0)) revert Errors.Market_ZeroAddress();
        address old = _treasury;
        _treasury = treasury_;
        emit TreasurySet(old, treasury_);
    }

    /// @inheritdoc IGridleaseMarket
    function setActivationWindow(uint256 window) external override onlyOwner {
        _checkActivationWindow(window);
        uint256 old = _config.activationWindow;
        _config.activationWindow = uint32(window);
        emit ActivationWindowSet(old, window);
    }

    /// @inheritdoc IGridleaseMarket
    function setPaymentToken(address token, bool allowed) external override onlyOwner {
        if (token == address(0)) revert Errors.Market_ZeroAddress();
        uint256 index = _tokenIndex[token];
        if (index == 0) {
            // Disallowing a token that was never allowed changes nothing; it must not take one of the 64 places.
            if (!allowed) {
                emit PaymentTokenSet(token, false);
                return;
            }
            if (_tokenList.length == MAX_PAYMENT_TOKENS)
                revert Errors.Market_TooManyPaymentTokens(MAX_PAYMENT_TOKENS);
            _tokenList.push(token);
            index = _tokenList.length;
            _tokenIndex[token] = index;
        }
        uint64 bit = uint64(1 << (index - 1));
        Config storage config = _config;
        config.allowedTokens = allowed ? config.allowedTokens | bit : config.allowedTokens & ~bit;
        emit PaymentTokenSet(token, allowed);
    }

    /// @inheritdoc IGridleaseMarket
    function setPaused(bool paused_) external override onlyOwner {
        _config.paused = paused_;
        emit MarketPausedSet(paused_);
    }

    /// @inheritdoc IGridleaseMarket
    function withdrawFees(address token) external override nonReentrant returns (uint256 amount) {
        amount = _protocolFees[token];
        // Checks
        if (amount == 0) revert Errors.Market_NothingToWithdraw(token);
        // Effects
        _protocolFees[token] = 0;
        address treasury_ = _treasury;
        emit FeesWithdrawn(token, treasury_, amount);
        // Interactions
        IERC20(token).safeTransfer(treasury_, amount);
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
        (uint256 price, uint256 deposit, uint256 penalty) = _checkOpen(
            offer,
            offerId,
            units,
            duration,
            maxPricePerGpuHour
        );
        if ((config.allowedTokens >> offer.tokenIndex) & 1 == 0) {
            revert Errors.Market_TokenNotAllowed(offer.paymentToken);
        }
        if (buyerPublicKey == bytes32(0)) revert Errors.Market_InvalidPublicKey();

        // Effects
        leaseId = config.nextLeaseId;
        uint256 deadline = block.timestamp + config.activationWindow;
        _config.nextLeaseId = uint64(leaseId + 1);
        // unchecked: units <= totalUnits - unitsInUse and penalty <= bond - lockedBond (both checked), so neither
        // sum can overflow.
        unchecked {
            offer.unitsInUse += uint16(units);
            if (penalty != 0) _providers[offer.provider].lockedBond += uint128(penalty);
        }
        _leases[leaseId] = Lease({
            buyer: msg.sender,
            offerId: uint32(offerId),
            units: uint16(units),
            start: uint40(deadline),
            phase: PHASE_PENDING,
            duration: uint32(duration),
            pricePerGpuHour: uint96(price),
            settled: 0,
            feeBps: config.feeBps
        });
        emit LeaseOpened(
            leaseId,
            offerId,
            msg.sender,
            units,
            duration,
            price,
            deposit,
            config.feeBps,
            deadline,
            buyerPublicKey
        );

        // Interactions
        ExactTransfers.pullExact(IERC20(offer.paymentToken), msg.sender, deposit);
    }

    /// @dev Ends a pending or active lease before its end: bills `used` seconds, refunds the rest, and when the
    /// provider is at fault pays the buyer the bond penalty.
    function _endEarly(
        uint256 leaseId,
        Lease storage lease,
        Offer storage offer,
        uint256 used,
        EndReason reason
    ) private {
        uint16 units = lease.units;
        uint256 gpus = uint256(offer.gpusPerUnit) * units;
        uint256 price = lease.pricePerGpuHour;
        uint256 deposit = LeaseMath.cost(price, gpus, lease.duration);
        uint256 accrued = LeaseMath.cost(price, gpus, used);
        uint256 refund = deposit - accrued;
        address buyer = lease.buyer;

        // The penalty was reserved out of the bond when the lease opened: release it, and pay it out if the
        // provider is at fault.
        uint256 reserved = _penaltyOf(offer);
        uint256 penalty = reason == EndReason.BuyerTerminated ? 0 : reserved;

        // Effects
        if (lease.phase == PHASE_PENDING) lease.start = uint40(block.timestamp);
        lease.phase = PHASE_ENDED_BASE + uint8(reason);
        // `used` < duration here, so this cannot grow; the escrow left is now exactly the provider's accrual.
        lease.duration = uint32(used);
        offer.unitsInUse -= units;
        if (reserved != 0) {
            Provider storage providerRecord = _providers[offer.provider];
            // unchecked: the reservation is part of both the locked and the whole bond.
            unchecked {
                providerRecord.lockedBond -= uint128(reserved);
                providerRecord.bond -= uint128(penalty);
            }
        }
        emit LeaseEnded(leaseId, reason, block.timestamp, accrued, refund, penalty);

        // Interactions
        if (refund != 0) IERC20(offer.paymentToken).safeTransfer(buyer, refund);
        if (penalty != 0) BOND_TOKEN.safeTransfer(buyer, penalty);
    }
}
