// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AdversarialBase} from "./AdversarialBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {OfferParams, ReservedTerms} from "../../../contracts/types/DataTypes.sol";

/// @notice Finding 3 of issue #11: bad input never panics. Every external function of the market (core,
/// extension, periphery, getters, ownership; the reserved-capacity ones of issue #12 included) is called with
/// fuzzed uint256, address and bytes inputs, from fuzzed callers, in a few prepared states; every revert must carry
/// a custom error of {Errors} or one of OpenZeppelin's (Ownable, ReentrancyGuard, SafeERC20, ERC-20), never
/// `Panic(uint256)` and never empty data. Besides AdversarialBase's history the market holds a rolling offer with a
/// billed notice (offer 3) and its active rolling lease under a top-up allowance (lease 5), and an offer with an
/// exit fee (offer 4) and its active committed lease (lease 6), so that the new functions get past their first
/// checks.
/// @dev Before: `extendLease(id, 2^256-1)` and `depositBond(2^256-1)` on an existing bond reverted with
/// Panic(0x11), so the two explicit tests and the fuzz test failed on their selector assertion.
contract NoPanics_Adversarial_Test is AdversarialBase {
    bytes4 internal constant PANIC = 0x4e487b71; // Panic(uint256)
    uint256 internal constant FUNCTIONS = 92;
    uint256 internal constant FIRST_GETTER = 57;

    bytes4[] internal allowed;

    struct Inputs {
        uint256 a;
        uint256 b;
        uint256 c;
        uint256 d;
        address addr;
        bytes blob;
    }

    function setUp() public override {
        super.setUp();
        allowed.push(Errors.Market_ZeroAddress.selector);
        allowed.push(Errors.Market_FeeTooHigh.selector);
        allowed.push(Errors.Market_ActivationWindowOutOfRange.selector);
        allowed.push(Errors.Market_Paused.selector);
        allowed.push(Errors.Market_TokenNotAllowed.selector);
        allowed.push(Errors.Market_TooManyPaymentTokens.selector);
        allowed.push(Errors.Market_FeeOnTransferToken.selector);
        allowed.push(Errors.Market_TokenCallFailed.selector);
        allowed.push(Errors.Market_NothingToWithdraw.selector);
        allowed.push(Errors.Market_InsufficientGas.selector);
        allowed.push(Errors.Market_NoCredit.selector);
        allowed.push(Errors.Market_CannotSweep.selector);
        allowed.push(Errors.Market_NotDelegated.selector);
        allowed.push(Errors.Market_ProviderNotRegistered.selector);
        allowed.push(Errors.Market_ProviderAlreadyRegistered.selector);
        allowed.push(Errors.Market_ZeroAmount.selector);
        allowed.push(Errors.Market_InsufficientBond.selector);
        allowed.push(Errors.Market_WithdrawalExceedsBond.selector);
        allowed.push(Errors.Market_BondLocked.selector);
        allowed.push(Errors.Market_BondCommitted.selector);
        allowed.push(Errors.Market_UnknownOffer.selector);
        allowed.push(Errors.Market_NotOfferProvider.selector);
        allowed.push(Errors.Market_InvalidGpusPerUnit.selector);
        allowed.push(Errors.Market_InvalidUnits.selector);
        allowed.push(Errors.Market_InvalidPrice.selector);
        allowed.push(Errors.Market_InvalidDurationRange.selector);
        allowed.push(Errors.Market_InvalidBond.selector);
        allowed.push(Errors.Market_EmptyLabel.selector);
        allowed.push(Errors.Market_PolicyNotContract.selector);
        allowed.push(Errors.Market_UnitsBelowInUse.selector);
        allowed.push(Errors.Market_OfferPaused.selector);
        allowed.push(Errors.Market_OfferAlreadyInState.selector);
        allowed.push(Errors.Market_OfferIdsExhausted.selector);
        allowed.push(Errors.Market_InvalidRepairWindow.selector);
        allowed.push(Errors.Market_UnknownLease.selector);
        allowed.push(Errors.Market_ZeroUnits.selector);
        allowed.push(Errors.Market_DepositZero.selector);
        allowed.push(Errors.Market_UnitsUnavailable.selector);
        allowed.push(Errors.Market_DurationOutOfRange.selector);
        allowed.push(Errors.Market_PriceAboveMax.selector);
        allowed.push(Errors.Market_DepositTooLarge.selector);
        allowed.push(Errors.Market_BuyerNotAllowed.selector);
        allowed.push(Errors.Market_InvalidPublicKey.selector);
        allowed.push(Errors.Market_EmptyAccessPayload.selector);
        allowed.push(Errors.Market_AccessPayloadTooLarge.selector);
        allowed.push(Errors.Market_NotLeaseBuyer.selector);
        allowed.push(Errors.Market_NotLeaseProvider.selector);
        allowed.push(Errors.Market_NotLeaseParty.selector);
        allowed.push(Errors.Market_InvalidPenalty.selector);
        allowed.push(Errors.Market_UnexpectedStatus.selector);
        allowed.push(Errors.Market_ActivationWindowMissed.selector);
        allowed.push(Errors.Market_ActivationWindowOpen.selector);
        allowed.push(Errors.Market_LeaseNotExpired.selector);
        allowed.push(Errors.Market_ZeroDuration.selector);
        allowed.push(Errors.Market_EmptyLeaseList.selector);
        allowed.push(Errors.Market_NothingToClaim.selector);
        allowed.push(Errors.Market_TooManyLeases.selector);
        allowed.push(Errors.Market_InvalidOutageUnits.selector);
        allowed.push(Errors.Market_OutageUnitsNotRaised.selector);
        allowed.push(Errors.Market_TooManyOutageReports.selector);
        allowed.push(Errors.Market_NoOpenOutage.selector);
        allowed.push(Errors.Market_RepairDeadlinePassed.selector);
        allowed.push(Errors.Market_OutageExitClosed.selector);
        allowed.push(Errors.Market_BadAttestationGeneration.selector);
        allowed.push(Errors.Market_AttestationSize.selector);
        allowed.push(Errors.Market_StaleAttestationBlock.selector);
        allowed.push(Errors.Market_AttestationNonceMismatch.selector);
        allowed.push(Errors.Market_ExtensionMismatch.selector);
        allowed.push(Errors.Market_InvalidPrepaidWindow.selector);
        allowed.push(Errors.Market_InvalidCommitment.selector);
        allowed.push(Errors.Market_NotRollingOffer.selector);
        allowed.push(Errors.Market_NotRollingLease.selector);
        allowed.push(Errors.Market_FundingOutOfRange.selector);
        allowed.push(Errors.Market_LeaseUnfunded.selector);
        allowed.push(Errors.Market_LeaseFunded.selector);
        allowed.push(Errors.Market_GraceNotOver.selector);
        allowed.push(Errors.Market_InvalidTopUpAllowance.selector);
        allowed.push(Errors.Market_TopUpNotAllowed.selector);
        allowed.push(Errors.Market_RunwayAboveThreshold.selector);
        allowed.push(Errors.Market_TopUpBeyondWindow.selector);
        allowed.push(Errors.Market_TopUpAboveCap.selector);
        allowed.push(Errors.Market_TopUpAllowanceExhausted.selector);
        allowed.push(Errors.Market_InvalidServerCount.selector);
        allowed.push(Ownable.OwnableUnauthorizedAccount.selector);
        allowed.push(Ownable.OwnableInvalidOwner.selector);
        allowed.push(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        allowed.push(SafeERC20.SafeERC20FailedOperation.selector);
        allowed.push(IERC20Errors.ERC20InsufficientBalance.selector);
        allowed.push(IERC20Errors.ERC20InsufficientAllowance.selector);
        allowed.push(IERC20Errors.ERC20InvalidSender.selector);
        allowed.push(IERC20Errors.ERC20InvalidReceiver.selector);
        allowed.push(IERC20Errors.ERC20InvalidApprover.selector);
        allowed.push(IERC20Errors.ERC20InvalidSpender.selector);

        // Offer 3: rolling (a one-day window) with 2 days of commitment and a day's billed notice; offer 4: a
        // 1-day commitment with a 30% exit fee, prepaid only.
        OfferParams memory p = _h100Params();
        p.minDuration = 2 days;
        vm.startPrank(provider);
        market.createReservedOffer(p, ReservedTerms(1 days, 2 days, 1 days, 0));
        p.minDuration = 1 days;
        market.createReservedOffer(p, ReservedTerms(0, 1 days, 0, 3_000));
        vm.stopPrank();
        vm.startPrank(buyer);
        uint256 rolling = market.openRollingLease(3, 3, 10 days, 1 days, type(uint256).max, PUBKEY); // lease 5
        market.setTopUpAllowance(rolling, 1_000e6, 10_000e6, 12 hours);
        uint256 committed = market.openLease(4, 2, 2 days, type(uint256).max, PUBKEY); // lease 6
        vm.stopPrank();
        _activate(rolling);
        _activate(committed);
    }

    /*//////////////////////////////////////////////////////////////
                               EXPLICIT
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_ExtendByMaxUint() public {
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_DurationOutOfRange.selector,
                type(uint256).max,
                1 hours,
                30 days
            )
        );
        vm.prank(buyer);
        market.extendLease(ACTIVE, type(uint256).max);
        _assertUnchanged(before);
    }

    /// @notice Found by the fuzz test below (issue #12): the error's own argument, the funded time plus the added
    /// time, overflowed, so the top-up reverted with Panic(0x11) (reported in /work/agents/s15/bugs.md).
    function test_RevertWhen_TopUpByMaxUint() public {
        vm.warp(NOW + 1 days - 1 hours); // an hour of runway, under the 12-hour threshold
        MarketState memory before = _captureState();
        vm.prank(stranger);
        try market.executeTopUp(5, type(uint256).max) {
            revert AssertionFailed("the top-up succeeded");
        } catch (bytes memory err) {
            assertEq(bytes4(err), Errors.Market_DurationOutOfRange.selector, "Market_DurationOutOfRange");
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_DepositBondMaxUintOnExistingBond() public {
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidBond.selector, type(uint256).max, type(uint128).max)
        );
        vm.prank(provider);
        market.depositBond(address(usd), type(uint256).max);
        // The sum overflowing uint128 (not uint256) is refused as clearly.
        uint256 amount = uint256(type(uint128).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_InvalidBond.selector,
                amount + PROVIDER_BOND,
                type(uint128).max
            )
        );
        vm.prank(provider);
        market.depositBond(address(usd), amount);
        _assertUnchanged(before);
    }

    /*//////////////////////////////////////////////////////////////
                                 FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @notice Every function, called once per run with inputs derived from the fuzzed ones, in the state the
    /// earlier calls of the run left behind.
    function testFuzz_EveryRevertIsACustomError(
        uint256 seed,
        address addr,
        bytes calldata blob,
        uint8 state,
        uint256 elapsed
    ) public {
        _prepare(state, elapsed);
        for (uint256 f = 0; f < FUNCTIONS; ++f)
            _callOnce(f, uint256(keccak256(abi.encode(seed, f))), addr, blob);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _callOnce(uint256 f, uint256 s, address addr, bytes calldata blob) internal {
        Inputs memory in_ = Inputs(
            _val(s, 0),
            _val(s, 1),
            _val(s, 2),
            _val(s, 3),
            _addr(s, addr),
            _blob(s, blob)
        );
        bytes memory data = _calldata(f, in_);
        vm.prank(_caller(s, addr));
        (bool ok, bytes memory ret) = address(market).call(data);
        if (!ok) _assertCustomError(f, ret);
    }

    /// @dev States: 0 as set up; 1 an outage open on the active lease; 2 its repair deadline passed; 3 the market
    /// paused. Then the clock moves up to 40 days (past the rolling lease's funding and grace, for some runs).
    function _prepare(uint8 state, uint256 elapsed) internal {
        state %= 4;
        if (state == 1 || state == 2) {
            vm.prank(buyer);
            market.reportOutage(ACTIVE, 1, bytes32("fuzz"));
            if (state == 2) vm.warp(NOW + REPAIR_WINDOW + 1);
        } else if (state == 3) {
            vm.prank(owner);
            market.setPaused(true);
        }
        vm.warp(block.timestamp + bound(elapsed, 0, 40 days));
        // Past block 256, so that attestation claims can name any nonce block of the window.
        vm.roll(block.number + 300);
    }

    function _assertCustomError(uint256 f, bytes memory ret) internal view {
        if (ret.length < 4)
            revert AssertionFailedUint("empty or short revert data from function", f, ret.length);
        bytes4 selector = bytes4(ret);
        if (selector == PANIC) {
            uint256 code;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                code := mload(add(ret, 36)) // the uint256 after the selector
            }
            revert AssertionFailedUint("panic from function (function, panic code)", f, code);
        }
        for (uint256 i = 0; i < allowed.length; ++i) if (allowed[i] == selector) return;
        revert AssertionFailedBytes32("undeclared error from function", bytes32(f), bytes32(selector));
    }

    /// @dev A value of one of five kinds: raw, a small id, a duration, near the top of uint256, or a power of two.
    function _val(uint256 s, uint256 i) internal pure returns (uint256) {
        uint256 r = uint256(keccak256(abi.encode(s, i)));
        uint256 kind = r % 5;
        if (kind == 0) return r;
        if (kind == 1) return (r >> 8) % 8;
        if (kind == 2) return (r >> 8) % 40 days;
        if (kind == 3) return type(uint256).max - ((r >> 8) % 4);
        return 1 << ((r >> 8) % 256);
    }

    function _addr(uint256 s, address fuzzed) internal view returns (address) {
        uint256 k = (s >> 16) % 6;
        if (k == 0) return fuzzed;
        if (k == 1) return address(0);
        if (k == 2) return address(usd);
        if (k == 3) return address(grid);
        if (k == 4) return buyer;
        return provider;
    }

    function _caller(uint256 s, address fuzzed) internal view returns (address) {
        uint256 k = (s >> 32) % 6;
        if (k == 0) return owner;
        if (k == 1) return provider;
        if (k == 2) return buyer;
        if (k == 3) return buyer2;
        if (k == 4) return stranger;
        return fuzzed;
    }

    /// @dev The fuzzed bytes, or a payload of 0, 96, 4,096 or 4,097 bytes.
    function _blob(uint256 s, bytes calldata fuzzed) internal pure returns (bytes memory) {
        uint256 k = (s >> 48) % 5;
        if (k == 0) return fuzzed;
        uint256[4] memory sizes = [uint256(0), 96, 4_096, 4_097];
        return new bytes(sizes[k - 1]);
    }

    function _params(Inputs memory in_) internal view returns (OfferParams memory p) {
        p = _h100Params();
        uint256 pick = in_.c % 8;
        // One field at a time is fuzzed, so that each check is reached past the ones before it.
        if (pick == 0) p.gpusPerUnit = in_.a;
        else if (pick == 1) p.totalUnits = in_.a;
        else if (pick == 2) p.pricePerGpuHour = in_.a;
        else if (pick == 3) (p.minDuration, p.maxDuration) = (in_.a, in_.b);
        else if (pick == 4) p.repairWindow = in_.a;
        else if (pick == 5) p.minProviderBond = in_.a;
        else if (pick == 6) p.paymentToken = in_.addr;
        else p.buyerPolicy = in_.addr;
    }

    /// @dev Reserved terms with one field (or, for pick 3, all of them) fuzzed; pick 4 gives valid terms.
    function _terms(Inputs memory in_) internal pure returns (ReservedTerms memory t) {
        t = ReservedTerms(1 days, 2 days, 1 days, 0);
        uint256 pick = in_.d % 5;
        if (pick == 0) t.prepaidWindow = in_.a;
        else if (pick == 1) (t.commitment, t.noticePeriod) = (in_.a, in_.b);
        else if (pick == 2) (t.commitment, t.noticePeriod, t.exitFeeBps) = (in_.a, 0, in_.b);
        else if (pick == 3) t = ReservedTerms(in_.a, in_.b, in_.c, in_.d);
    }

    function _ids(Inputs memory in_) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](in_.b % 203);
        for (uint256 i = 0; i < ids.length; ++i) ids[i] = in_.a % 2 == 0 ? (in_.a >> 1) % 8 : in_.a;
    }

    function _rollingCall(Inputs memory in_) internal view returns (bytes memory) {
        return
            abi.encodeCall(
                market.openRollingLease,
                (in_.a % 6, in_.b, in_.c, in_.d, in_.a % 3 == 0 ? in_.a : type(uint256).max, PUBKEY)
            );
    }

    function _allowancePermitCall(Inputs memory in_) internal view returns (bytes memory) {
        return
            abi.encodeCall(
                market.setTopUpAllowanceWithPermit,
                (in_.a % 8, in_.b, in_.c, in_.d, in_.a, in_.b, uint8(in_.c), bytes32(in_.d), bytes32(in_.a))
            );
    }

    function _permitCall(Inputs memory in_) internal view returns (bytes memory) {
        return
            abi.encodeCall(
                market.openLeaseWithPermit,
                (
                    in_.a % 4,
                    in_.b,
                    in_.c,
                    in_.a,
                    PUBKEY,
                    in_.b,
                    in_.c,
                    uint8(in_.a),
                    bytes32(in_.b),
                    bytes32(in_.c)
                )
            );
    }

    /// @dev A claim with fuzzed generation, block and bytes; the report is the fuzzed blob (any length, the
    /// short ones included) or, on odd seeds, one carrying the provider's nonce for the previous block.
    function _publishCall(Inputs memory in_) internal view returns (bytes memory) {
        bytes memory report = in_.blob;
        uint256 nonceBlock = in_.b;
        if (in_.c % 2 == 1) {
            nonceBlock = block.number - 1;
            report = new bytes(4_117);
            bytes32 nonce = market.attestationNonce(in_.a % 4, provider, nonceBlock);
            for (uint256 i = 0; i < 32; ++i) report[4 + i] = nonce[i];
        }
        return
            abi.encodeCall(
                market.publishOfferAttestation,
                (in_.a % 4, uint8(in_.c >> 8), nonceBlock, report, in_.blob)
            );
    }

    function _calldata(uint256 f, Inputs memory in_) internal view returns (bytes memory) {
        uint256 a = in_.a;
        uint256 b = in_.b;
        address who = in_.addr;
        bytes memory blob = in_.blob;
        // Core
        if (f == 0) return abi.encodeCall(market.depositBond, (who, a));
        if (f == 1) return abi.encodeCall(market.withdrawBond, (who, a));
        if (f == 2) return abi.encodeCall(market.createOffer, (_params(in_)));
        if (f == 3) return abi.encodeCall(market.openLease, (a % 4, b, in_.c, type(uint256).max, PUBKEY));
        if (f == 4) return _permitCall(in_);
        if (f == 5) return abi.encodeCall(market.activateLease, (a, blob));
        if (f == 6) return abi.encodeCall(market.extendLease, (a % 6, b));
        if (f == 7) return abi.encodeCall(market.terminateLease, (a));
        if (f == 8) return abi.encodeCall(market.cancelLease, (a));
        if (f == 9) return abi.encodeCall(market.closeLease, (a));
        if (f == 10) return abi.encodeCall(market.claim, (_ids(in_)));
        if (f == 11) return abi.encodeCall(market.reportOutage, (a % 6, b, bytes32(in_.c)));
        if (f == 12) return abi.encodeCall(market.resolveOutage, (a % 6, blob));
        if (f == 13) return abi.encodeCall(market.endUnresolvedOutage, (a));
        // Extension
        if (f == 14) return abi.encodeCall(market.registerProvider, (string(blob)));
        if (f == 15) return abi.encodeCall(market.updateProvider, (string(blob)));
        if (f == 16) return abi.encodeCall(market.setOfferPrice, (a % 4, b));
        if (f == 17) return abi.encodeCall(market.setOfferUnits, (a % 4, b));
        if (f == 18) return abi.encodeCall(market.setOfferPaused, (a % 4, b % 2 == 0));
        if (f == 19) return abi.encodeCall(market.setOfferRepairWindow, (a % 4, b));
        if (f == 20) return abi.encodeCall(market.rotateAccess, (a % 6, blob));
        if (f == 21) return abi.encodeCall(market.setProtocolFee, (a));
        if (f == 22) return abi.encodeCall(market.setTreasury, (who));
        if (f == 23) return abi.encodeCall(market.setActivationWindow, (a));
        if (f == 24) return abi.encodeCall(market.setPaymentToken, (who, b % 2 == 0));
        if (f == 25) return abi.encodeCall(market.setPaused, (b % 2 == 0));
        if (f == 26) return abi.encodeCall(market.withdrawFees, (who));
        if (f == 27) return abi.encodeCall(market.withdrawCredit, (who));
        if (f == 28) return abi.encodeCall(market.sweep, (who, address(uint160(b))));
        if (f == 29) return abi.encodeCall(market.getLease, (a));
        if (f == 30) return abi.encodeCall(market.getOutage, (a));
        if (f == 31) return abi.encodeCall(market.credits, (who, address(uint160(b))));
        if (f == 32) return abi.encodeCall(market.getOffer, (a));
        if (f == 33) return abi.encodeCall(market.getProvider, (who));
        if (f == 34) return abi.encodeCall(market.escrowOf, (a));
        if (f == 35) return abi.encodeCall(market.protocolFees, (who));
        if (f == 36) return abi.encodeCall(market.isPaymentToken, (who));
        if (f == 37) return _publishCall(in_);
        if (f == 38) return abi.encodeCall(market.attestationNonce, (a % 4, who, b));
        if (f == 39) return abi.encodeCall(market.getOfferAttestation, (a));
        // Ownable2Step
        if (f == 40) return abi.encodeCall(market.transferOwnership, (who));
        if (f == 41) return abi.encodeCall(market.acceptOwnership, ());
        if (f == 42) return abi.encodeCall(market.renounceOwnership, ());
        // Reserved capacity (issue #12)
        if (f == 43) return abi.encodeCall(market.createReservedOffer, (_params(in_), _terms(in_)));
        if (f == 44) return _rollingCall(in_);
        if (f == 45) return abi.encodeCall(market.setTopUpAllowance, (a % 8, b, in_.c, in_.d));
        if (f == 46) return _allowancePermitCall(in_);
        if (f == 47) return abi.encodeCall(market.revokeTopUpAllowance, (a % 8));
        if (f == 48) return abi.encodeCall(market.executeTopUp, (a % 8, b));
        if (f == 49) return abi.encodeCall(market.releaseServers, (a % 8, b));
        if (f == 50) return abi.encodeCall(market.failServers, (a % 8, b));
        if (f == 51) return abi.encodeCall(market.endUnfunded, (a % 8));
        if (f == 52) return abi.encodeCall(market.bondOf, (who, address(uint160(b))));
        if (f == 53) return abi.encodeCall(market.getOfferTerms, (a));
        if (f == 54) return abi.encodeCall(market.getLeaseTerms, (a));
        if (f == 55) return abi.encodeCall(market.getTopUpAllowance, (a));
        if (f == 56) return abi.encodeCall(market.exitChargeAt, (a % 8, b, in_.c));
        // Getters without arguments
        bytes4[35] memory getters = [
            market.paymentTokens.selector,
            market.treasury.selector,
            market.feeBps.selector,
            market.activationWindow.selector,
            market.paused.selector,
            market.offerCount.selector,
            market.leaseCount.selector,
            market.owner.selector,
            market.pendingOwner.selector,
            market.MAX_FEE_BPS.selector,
            market.MAX_UNITS.selector,
            market.MAX_LEASE_DURATION.selector,
            market.MAX_ACCESS_BYTES.selector,
            market.BOND_TOKEN.selector,
            market.PENALTY_BPS.selector,
            market.MAX_OUTAGE_REPORTS.selector,
            market.REPORT_COOLDOWN.selector,
            market.POLICY_GAS.selector,
            market.PAYOUT_GAS.selector,
            market.EXTENSION.selector,
            market.MAX_GPUS_PER_UNIT.selector,
            market.MIN_ACTIVATION_WINDOW.selector,
            market.MAX_ACTIVATION_WINDOW.selector,
            market.MAX_CLAIM_BATCH.selector,
            market.MAX_PAYMENT_TOKENS.selector,
            market.MIN_REPAIR_WINDOW.selector,
            market.MAX_REPAIR_WINDOW.selector,
            market.MAX_ATTESTATION_REPORT_BYTES.selector,
            market.MAX_ATTESTATION_CHAIN_BYTES.selector,
            market.ATTESTATION_BLOCK_WINDOW.selector,
            market.STAKE_PENALTY_BPS.selector,
            market.MAX_EXIT_FEE_BPS.selector,
            market.MIN_PREPAID_WINDOW.selector,
            market.GRACE_PERIOD.selector,
            market.PERIPHERY.selector
        ];
        return abi.encodePacked(getters[f - FIRST_GETTER]);
    }
}
