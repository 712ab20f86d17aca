// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGridleaseMarketPeriphery} from "./interfaces/IGridleaseMarketPeriphery.sol";
import {Errors} from "./libraries/Errors.sol";
import {LeaseMath} from "./libraries/LeaseMath.sol";
import {ExactTransfers} from "./libraries/ExactTransfers.sol";
import {
    Bond,
    EndReason,
    Lease,
    LeaseTermsView,
    LeaseView,
    Offer,
    OfferAttestation,
    OfferTerms,
    Outage,
    Provider,
    TopUpAllowance
} from "./types/DataTypes.sol";
import {GridleaseMarketState} from "./abstracts/GridleaseMarketState.sol";

/// @title GridleaseMarketPeriphery
/// @notice The market's attestation claims, administration, credits and reads (see {IGridleaseMarketPeriphery}).
/// The market's extension delegates to it every call it does not define, so this code too runs on the market's
/// storage and emits from the market's address.
/// @dev Inherits what the market inherits, in the same order, so all three see one storage layout. Called directly,
/// every function that writes reverts with Market_NotDelegated; the reads answer from this contract's own storage,
/// which is empty.
contract GridleaseMarketPeriphery is
    IGridleaseMarketPeriphery,
    Ownable2Step,
    ReentrancyGuardTransient,
    GridleaseMarketState
{
    using SafeERC20 for IERC20;

    /// @notice Longest attestation report accepted, in bytes (NVIDIA's Hopper report is 4,117).
    uint256 public constant MAX_ATTESTATION_REPORT_BYTES = 8_192;
    /// @notice Longest certificate chain accepted, in bytes (NVIDIA's five-certificate Hopper chain is about 3.4 KB
    /// in PEM).
    uint256 public constant MAX_ATTESTATION_CHAIN_BYTES = 16_384;
    /// @notice How many blocks old a nonce block may be: the EVM reads only the last 256 block hashes.
    uint256 public constant ATTESTATION_BLOCK_WINDOW = 256;
    /// @dev An SPDM GET_MEASUREMENTS request is 37 bytes: 4 header bytes, the 32-byte nonce, a slot id.
    uint256 private constant SPDM_REQUEST_BYTES = 37;
    uint8 private constant GENERATION_HOPPER = 1;
    uint8 private constant GENERATION_BLACKWELL = 2;

    address private immutable _SELF = address(this);

    /// @dev The owner of this contract's own (unused) storage is its deployer; the market's owner is in the
    /// market's storage, which is the one that counts.
    constructor(
        IERC20 bondToken,
        uint256 penaltyBps
    ) Ownable(msg.sender) GridleaseMarketState(bondToken, penaltyBps) {}

    /// @dev Only through the market's delegatecall: on its own storage this contract is meaningless.
    modifier onlyDelegated() {
        if (address(this) == _SELF) revert Errors.Market_NotDelegated();
        _;
    }

    /*//////////////////////////////////////////////////////////////
                       ATTESTATION CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketPeriphery
    function publishOfferAttestation(
        uint256 offerId,
        uint8 generation,
        uint256 nonceBlock,
        bytes calldata report,
        bytes calldata certChain
    ) external override onlyDelegated {
        // Checks
        _offerOf(offerId);
        if (generation != GENERATION_HOPPER && generation != GENERATION_BLACKWELL) {
            revert Errors.Market_BadAttestationGeneration(generation);
        }
        uint256 reportLength = report.length;
        uint256 chainLength = certChain.length;
        // The length check comes before the slice below, so a short report is a named error, not a panic.
        if (
            reportLength < SPDM_REQUEST_BYTES ||
            reportLength > MAX_ATTESTATION_REPORT_BYTES ||
            chainLength == 0 ||
            chainLength > MAX_ATTESTATION_CHAIN_BYTES
        ) revert Errors.Market_AttestationSize(reportLength, chainLength);
        bytes32 nonce = _attestationNonce(offerId, msg.sender, nonceBlock);
        bytes32 reported = bytes32(report[4:36]);
        if (reported != nonce) revert Errors.Market_AttestationNonceMismatch(nonce, reported);
        // Effects
        bytes32 reportHash = keccak256(report);
        _attestations[offerId] = OfferAttestation({
            reportHash: reportHash,
            publishedAt: uint40(block.timestamp),
            // Within 256 blocks of the current one, so it fits.
            nonceBlock: uint64(nonceBlock),
            generation: generation
        });
        emit OfferAttestationPublished(
            offerId,
            msg.sender,
            generation,
            nonceBlock,
            nonce,
            reportHash,
            report,
            certChain
        );
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function attestationNonce(
        uint256 offerId,
        address provider,
        uint256 nonceBlock
    ) external view override returns (bytes32) {
        return _attestationNonce(offerId, provider, nonceBlock);
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function getOfferAttestation(uint256 offerId) external view override returns (OfferAttestation memory) {
        return _attestations[offerId];
    }

    /// @dev The nonce of `attestationNonce`; reverts unless `nonceBlock` is 1 to ATTESTATION_BLOCK_WINDOW blocks
    /// old, the only blocks whose hash is readable (the current block's reads as zero).
    function _attestationNonce(
        uint256 offerId,
        address provider,
        uint256 nonceBlock
    ) internal view returns (bytes32) {
        uint256 current = block.number;
        if (nonceBlock >= current || current - nonceBlock > ATTESTATION_BLOCK_WINDOW) {
            revert Errors.Market_StaleAttestationBlock(nonceBlock, current);
        }
        return keccak256(abi.encode(block.chainid, address(this), offerId, provider, blockhash(nonceBlock)));
    }

    /*//////////////////////////////////////////////////////////////
                             ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketPeriphery
    function setProtocolFee(uint256 feeBps_) external override onlyDelegated onlyOwner {
        if (feeBps_ > MAX_FEE_BPS) revert Errors.Market_FeeTooHigh(feeBps_, MAX_FEE_BPS);
        uint256 old = _config.feeBps;
        _config.feeBps = uint16(feeBps_);
        emit ProtocolFeeSet(old, feeBps_);
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function setTreasury(address treasury_) external override onlyDelegated onlyOwner {
        if (treasury_ == address(0)) revert Errors.Market_ZeroAddress();
        address old = _treasury;
        _treasury = treasury_;
        emit TreasurySet(old, treasury_);
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function setActivationWindow(uint256 window) external override onlyDelegated onlyOwner {
        _checkActivationWindow(window);
        uint256 old = _config.activationWindow;
        _config.activationWindow = uint32(window);
        emit ActivationWindowSet(old, window);
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function setPaymentToken(address token, bool allowed) external override onlyDelegated onlyOwner {
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

    /// @inheritdoc IGridleaseMarketPeriphery
    function setPaused(bool paused_) external override onlyDelegated onlyOwner {
        _config.paused = paused_;
        emit MarketPausedSet(paused_);
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function withdrawFees(
        address token
    ) external override onlyDelegated nonReentrant returns (uint256 amount) {
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

    /// @inheritdoc IGridleaseMarketPeriphery
    function withdrawCredit(
        address token
    ) external override onlyDelegated nonReentrant returns (uint256 amount) {
        amount = _credits[token][msg.sender];
        // Checks
        if (amount == 0) revert Errors.Market_NoCredit(token, msg.sender);
        // Effects
        _credits[token][msg.sender] = 0;
        emit CreditWithdrawn(msg.sender, token, amount);
        // Interactions
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function sweep(
        address token,
        address to
    ) external override onlyDelegated onlyOwner nonReentrant returns (uint256 amount) {
        // Checks
        if (to == address(0)) revert Errors.Market_ZeroAddress();
        if (token == address(BOND_TOKEN) || _tokenIndex[token] != 0) revert Errors.Market_CannotSweep(token);
        amount = ExactTransfers.selfBalance(IERC20(token));
        if (amount == 0) revert Errors.Market_NothingToWithdraw(token);
        // Effects
        emit TokensSwept(token, to, amount);
        // Interactions
        IERC20(token).safeTransfer(to, amount);
    }

    /*//////////////////////////////////////////////////////////////
                             READS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IGridleaseMarketPeriphery
    function getLease(uint256 leaseId) external view override returns (LeaseView memory v) {
        Lease storage lease = _leases[leaseId];
        uint8 phase = lease.phase;
        _requireLease(phase, leaseId);
        Offer storage offer = _offers[lease.offerId];
        uint256 gpusPerUnit = offer.gpusPerUnit;
        bool pending = phase == PHASE_PENDING;
        v.leaseId = leaseId;
        v.offerId = lease.offerId;
        v.buyer = lease.buyer;
        v.provider = offer.provider;
        v.paymentToken = offer.paymentToken;
        v.units = lease.units;
        v.gpusPerUnit = gpusPerUnit;
        v.pricePerGpuHour = lease.pricePerGpuHour;
        v.feeBps = lease.feeBps;
        v.duration = lease.duration;
        v.start = pending ? 0 : lease.start;
        v.end = pending ? 0 : _endOf(leaseId, lease);
        v.activationDeadline = pending ? lease.start : 0;
        v.accrued = pending ? 0 : _accruedAt(leaseId, lease, gpusPerUnit, block.timestamp);
        // An ended lease's deposit is what it billed: the rest went back to the buyer.
        v.deposit = phase > PHASE_ACTIVE ? v.accrued : _liveDeposit(leaseId, lease, offer);
        v.settled = lease.settled;
        v.claimable = v.accrued - v.settled;
        v.status = _status(leaseId, lease);
        v.endReason = phase > PHASE_ACTIVE ? EndReason(phase - PHASE_ENDED_BASE) : EndReason.None;
        if (lease.flags & FLAG_OUTAGE != 0) {
            Outage storage outage = _outages[leaseId];
            bool open = outage.since != 0 && phase == PHASE_ACTIVE;
            v.downUnits = open ? outage.downUnits : 0;
            v.repairDeadline = open ? outage.deadline : 0;
            uint256 end = _endOf(leaseId, lease);
            v.downUnitSeconds = _downUnitSeconds(outage, block.timestamp < end ? block.timestamp : end);
            v.outageReports = outage.reports;
        }
    }

    /// @notice The stored record of an offer.
    function getOffer(uint256 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /// @notice The stored record of a provider.
    function getProvider(address provider) external view returns (Provider memory) {
        return _providers[provider];
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function bondOf(address provider, address token) external view override returns (Bond memory) {
        uint256 indexPlusOne = _tokenIndex[token];
        if (indexPlusOne == 0) return Bond({amount: 0, locked: 0});
        return _bonds[provider][indexPlusOne - 1];
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function getOfferTerms(uint256 offerId) external view override returns (OfferTerms memory) {
        return _offerTerms[offerId];
    }

    /// @notice Escrow still held for a lease: its deposit (for an ended lease, what it billed) less what was
    /// already paid to the provider.
    function escrowOf(uint256 leaseId) external view returns (uint256) {
        Lease storage lease = _leases[leaseId];
        Offer storage offer = _offers[lease.offerId];
        uint256 owed =
            lease.phase > PHASE_ACTIVE
                ? _accruedAt(leaseId, lease, offer.gpusPerUnit, block.timestamp)
                : _liveDeposit(leaseId, lease, offer);
        return owed - lease.settled;
    }

    /// @dev A live lease's deposit: its paid (funded) time at its units, what released servers and exit charges
    /// froze, and a committed rolling lease's escrowed exit terms.
    function _liveDeposit(
        uint256 leaseId,
        Lease memory lease,
        Offer storage offer
    ) private view returns (uint256) {
        uint256 gpus = uint256(offer.gpusPerUnit) * lease.units;
        uint256 deposit = LeaseMath.cost(lease.pricePerGpuHour, gpus, lease.duration);
        if (lease.flags & FLAG_TERMS != 0) deposit += _leaseTerms[leaseId].frozen;
        if (lease.flags & FLAG_ROLLING != 0 && offer.hasTerms) {
            deposit += _exitEscrowOf(_offerTerms[lease.offerId], lease.pricePerGpuHour, gpus);
        }
        return deposit;
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

    /// @inheritdoc IGridleaseMarketPeriphery
    function getOutage(uint256 leaseId) external view override returns (Outage memory) {
        return _outages[leaseId];
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function credits(address token, address account) external view override returns (uint256) {
        return _credits[token][account];
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function getTopUpAllowance(uint256 leaseId) external view override returns (TopUpAllowance memory) {
        return _topUps[leaseId];
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function getLeaseTerms(uint256 leaseId) external view override returns (LeaseTermsView memory v) {
        Lease memory lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        Offer storage offer = _offers[lease.offerId];
        uint8 flags = lease.flags;
        bool active = lease.phase == PHASE_ACTIVE;
        v.rolling = flags & FLAG_ROLLING != 0;
        v.term = v.rolling ? _leaseTerms[leaseId].term : lease.duration;
        v.fundedUntil = lease.phase == PHASE_PENDING ? 0 : _fundedEndOf(leaseId, lease);
        if (v.rolling && active) v.graceEnds = v.fundedUntil + GRACE_PERIOD;
        v.penalty = _reservedPenalty(leaseId, flags, offer);
        if (flags & FLAG_TERMS != 0) v.frozen = _leaseTerms[leaseId].frozen;
        if (offer.hasTerms) {
            OfferTerms memory terms = _offerTerms[lease.offerId];
            uint256 gpus = uint256(offer.gpusPerUnit) * lease.units;
            v.committed = terms.commitment != 0;
            if (v.rolling) v.exitEscrow = _exitEscrowOf(terms, lease.pricePerGpuHour, gpus);
            if (active && v.committed) {
                v.commitmentEnds = uint256(lease.start) + terms.commitment;
                v.exitChargeNow = _exitChargeFor(
                    leaseId,
                    lease,
                    terms,
                    offer.gpusPerUnit,
                    lease.units,
                    block.timestamp
                );
            }
        }
    }

    /// @inheritdoc IGridleaseMarketPeriphery
    function exitChargeAt(
        uint256 leaseId,
        uint256 count,
        uint256 at
    ) external view override returns (uint256) {
        Lease memory lease = _leases[leaseId];
        _requireLease(lease.phase, leaseId);
        if (count == 0 || count > lease.units)
            revert Errors.Market_InvalidServerCount(leaseId, count, lease.units);
        Offer storage offer = _offers[lease.offerId];
        if (lease.phase != PHASE_ACTIVE || !offer.hasTerms) return 0;
        return _exitChargeFor(leaseId, lease, _offerTerms[lease.offerId], offer.gpusPerUnit, count, at);
    }
}
