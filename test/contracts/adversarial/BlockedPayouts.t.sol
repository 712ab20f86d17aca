// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";
import {BlocklistToken} from "../mocks/BlocklistToken.sol";
import {HookBuyer, HookToken} from "../mocks/HookToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, OfferParams} from "../../../contracts/types/DataTypes.sol";

/// @notice Finding 1 of issue #11: no exit can be blocked by the buyer's side of a token. Every end of a lease
/// (a termination by either party, a refusal, a no-show cancel, an unresolved outage, a close with a refund)
/// succeeds when the token refuses the payout: it frees the units and the bond reservation and credits the buyer
/// exactly what was not delivered, which only the buyer can withdraw, to itself, once the token lets it. Since
/// issue #12 the penalty is paid in the lease's token, from the provider's bond in it, so a token that refuses the
/// refund refuses the penalty too: both are credited.
/// @dev "Before": the market of commit c0a2f73 pushed refunds and penalties with SafeERC20 in the ending call, so
/// each test's first assertion (the lease ended) failed: the call reverted with the token's own error.
contract BlockedPayouts_Adversarial_Test is MarketStateTest {
    uint256 internal constant UNITS = 2;
    uint256 internal constant DURATION = 10 hours;

    BlocklistToken internal busd;
    HookToken internal hook;
    HookBuyer internal hookBuyer;
    uint256 internal busdOffer;
    uint256 internal hookOffer;
    uint256 internal deposit;
    uint256 internal penalty;

    function setUp() public override {
        super.setUp();
        busd = new BlocklistToken();
        hook = new HookToken();
        hookBuyer = new HookBuyer();
        vm.startPrank(owner);
        market.setPaymentToken(address(busd), true);
        market.setPaymentToken(address(hook), true);
        vm.stopPrank();
        _track(address(busd));
        _track(address(hook));
        _trackHolder(address(hookBuyer));

        OfferParams memory p = _h100Params();
        p.paymentToken = address(busd);
        busdOffer = _createOffer(p);
        p.paymentToken = address(hook);
        hookOffer = _createOffer(p);

        // The provider bonds in each token it sells in: a lease's penalty comes from the bond in its token.
        busd.mint(provider, PROVIDER_BOND);
        hook.mint(provider, PROVIDER_BOND);
        vm.startPrank(provider);
        busd.approve(address(market), PROVIDER_BOND);
        hook.approve(address(market), PROVIDER_BOND);
        market.depositBond(address(busd), PROVIDER_BOND);
        market.depositBond(address(hook), PROVIDER_BOND);
        vm.stopPrank();

        busd.mint(buyer, 10_000_000e6);
        vm.prank(buyer);
        busd.approve(address(market), type(uint256).max);
        hook.mint(address(hookBuyer), 10_000_000e6);
        hook.registerHook(address(hookBuyer));
        hookBuyer.execute(
            address(hook),
            abi.encodeCall(IERC20.approve, (address(market), type(uint256).max))
        );

        deposit = _cost(H100_PRICE, 8 * UNITS, DURATION);
        penalty = (MIN_BOND * PENALTY_BPS) / 10_000;
    }

    /*//////////////////////////////////////////////////////////////
                           BLOCKLISTED BUYER
    //////////////////////////////////////////////////////////////*/

    /// @notice Before: terminateLease reverted with Blocklisted(buyer), so "ended" failed and the lease, its units
    /// and its reserved bond stayed locked.
    function test_WhenBuyerBlocklisted_BuyerTerminates_Credited() public {
        uint256 id = _openActive(busdOffer, UNITS, DURATION);
        vm.warp(START_TIME + 3 hours);
        busd.setBlocklisted(buyer, true);
        uint256 refund = deposit - _cost(H100_PRICE, 8 * UNITS, 3 hours);
        uint256 locked = _lockedOf(provider, address(busd));

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            id,
            EndReason.BuyerTerminated,
            START_TIME + 3 hours,
            deposit - refund,
            refund,
            0
        );
        _expectMarketEvent();
        emit IGridleaseMarketEvents.CreditAdded(buyer, address(busd), refund);
        vm.prank(buyer);
        market.terminateLease(id);

        _assertEnded(id, EndReason.BuyerTerminated, locked);
        assertEq(market.credits(address(busd), buyer), refund, "refund credited");
        assertEq(
            busd.balanceOf(address(market)),
            deposit + PROVIDER_BOND,
            "escrow of the accrual plus the credit, beside the bond"
        );
        _assertCreditWithdrawal(buyer, refund);
    }

    /// @notice Before: the provider could not end the lease of a blocklisted buyer at all (Blocklisted(buyer)).
    function test_WhenBuyerBlocklisted_ProviderTerminates_CreditsRefundAndPenalty() public {
        uint256 id = _openActive(busdOffer, UNITS, DURATION);
        vm.warp(START_TIME + 3 hours);
        busd.setBlocklisted(buyer, true);
        uint256 refund = deposit - _cost(H100_PRICE, 8 * UNITS, 3 hours);
        uint256 locked = _lockedOf(provider, address(busd));

        _expectMarketEvent();
        emit IGridleaseMarketEvents.CreditAdded(buyer, address(busd), refund);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.CreditAdded(buyer, address(busd), penalty);
        vm.prank(provider);
        market.terminateLease(id);

        _assertEnded(id, EndReason.ProviderTerminated, locked);
        assertEq(market.credits(address(busd), buyer), refund + penalty, "refund and penalty credited");
        assertEq(_bondOf(provider, address(busd)), PROVIDER_BOND - penalty, "bond in the lease's token cut");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND, "the USD bond untouched");
        _assertCreditWithdrawal(buyer, refund + penalty);
    }

    /*//////////////////////////////////////////////////////////////
                             PAUSED TOKEN
    //////////////////////////////////////////////////////////////*/

    /// @notice Before: the provider's refusal of a pending lease reverted with TokenPaused().
    function test_WhenTokenPaused_ProviderRefusesPending_Credited() public {
        uint256 id = _open(buyer, busdOffer, UNITS, DURATION);
        busd.setPaused(true);
        uint256 locked = _lockedOf(provider, address(busd));
        vm.prank(provider);
        market.terminateLease(id);
        _assertEnded(id, EndReason.ProviderTerminated, locked);
        assertEq(
            market.credits(address(busd), buyer),
            deposit + penalty,
            "the deposit and the penalty credited"
        );
    }

    /// @notice Before: a no-show lease past its window could never be cancelled while the token was paused, so
    /// its units and reserved bond stayed locked (cancelLease reverted with TokenPaused()).
    function test_WhenTokenPaused_CancelAfterWindow_Credited() public {
        uint256 id = _open(buyer, busdOffer, UNITS, DURATION);
        vm.warp(START_TIME + WINDOW + 1);
        busd.setPaused(true);
        uint256 locked = _lockedOf(provider, address(busd));
        vm.prank(buyer);
        market.cancelLease(id);
        _assertEnded(id, EndReason.NoShowCancelled, locked);
        assertEq(
            market.credits(address(busd), buyer),
            deposit + penalty,
            "the deposit and the penalty credited"
        );
        assertEq(_bondOf(provider, address(busd)), PROVIDER_BOND - penalty, "the penalty left the bond");
    }

    /// @notice An unresolved outage's exit does not depend on the payment token either.
    function test_WhenTokenPaused_EndUnresolvedOutage_Credited() public {
        uint256 id = _openActive(busdOffer, UNITS, DURATION);
        vm.prank(buyer);
        market.reportOutage(id, UNITS, bytes32(0));
        uint256 at = START_TIME + REPAIR_WINDOW + 1;
        vm.warp(at);
        busd.setPaused(true);
        uint256 locked = _lockedOf(provider, address(busd));
        vm.prank(stranger);
        market.endUnresolvedOutage(id);
        _assertEnded(id, EndReason.OutageUnresolved, locked);
        assertEq(
            market.credits(address(busd), buyer),
            deposit + penalty,
            "every server was down: all of it credited, with the penalty"
        );
        assertEq(market.escrowOf(id), 0, "nothing billed");
    }

    /// @notice A close that refunds an outage's unbilled part credits it when the token is paused.
    function test_WhenTokenPaused_CloseWithRefund_Credited() public {
        uint256 id = _openActive(busdOffer, UNITS, DURATION);
        vm.warp(START_TIME + DURATION - 1 hours);
        vm.prank(buyer);
        market.reportOutage(id, 1, bytes32(0)); // its deadline falls after the end
        vm.warp(START_TIME + DURATION);
        busd.setPaused(true);
        uint256 locked = _lockedOf(provider, address(busd));
        market.closeLease(id);
        _assertEnded(id, EndReason.Expired, locked); // an expiry releases the reservation, pays no penalty
        uint256 refund = deposit - _cost(H100_PRICE, 8, UNITS * DURATION - 1 hours);
        assertEq(market.credits(address(busd), buyer), refund, "the downtime's part credited");
    }

    /*//////////////////////////////////////////////////////////////
                           RECEIVE HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Before: a contract buyer whose receive hook refused made its own lease impossible to end.
    function test_WhenReceiveHookRefuses_Credited() public {
        uint256 id = _hookLease();
        vm.warp(START_TIME + 3 hours);
        hookBuyer.setMode(HookBuyer.Mode.Refuse);
        uint256 refund = deposit - _cost(H100_PRICE, 8 * UNITS, 3 hours);
        hookBuyer.execute(address(market), abi.encodeCall(market.terminateLease, (id)));
        assertEq(uint8(market.getLease(id).endReason), uint8(EndReason.BuyerTerminated), "ended");
        assertEq(market.credits(address(hook), address(hookBuyer)), refund, "credited");

        MarketState memory before = _captureState();
        vm.expectRevert(HookBuyer.Refused.selector);
        hookBuyer.execute(address(market), abi.encodeCall(market.withdrawCredit, (address(hook))));
        _assertUnchanged(before);

        hookBuyer.setMode(HookBuyer.Mode.Accept);
        uint256 balance = hook.balanceOf(address(hookBuyer));
        hookBuyer.execute(address(market), abi.encodeCall(market.withdrawCredit, (address(hook))));
        assertEq(hook.balanceOf(address(hookBuyer)) - balance, refund, "delivered");
    }

    /// @notice Before: a hook that burned all its gas made the provider's termination run out of gas. Now the
    /// transfer gets PAYOUT_GAS, fails, and the refund is credited.
    function test_WhenReceiveHookBurnsGas_ProviderTerminates_Credited() public {
        uint256 id = _hookLease();
        vm.warp(START_TIME + 3 hours);
        hookBuyer.setMode(HookBuyer.Mode.BurnGas);
        uint256 locked = _lockedOf(provider, address(hook));
        vm.prank(provider);
        market.terminateLease(id);
        assertEq(uint8(market.getLease(id).endReason), uint8(EndReason.ProviderTerminated), "ended");
        assertEq(market.getOffer(hookOffer).unitsInUse, 0, "units freed");
        assertEq(_lockedOf(provider, address(hook)), locked - penalty, "reservation released");
        assertEq(
            market.credits(address(hook), address(hookBuyer)),
            deposit - _cost(H100_PRICE, 8 * UNITS, 3 hours) + penalty,
            "refund and penalty credited"
        );
    }

    /// @notice A caller who gives too little gas for the payout to get PAYOUT_GAS cannot turn a payout that would
    /// have succeeded into a credit: the call reverts with Market_InsufficientGas and changes nothing. (90,000 gas
    /// leaves the transfer about 30,000, and the market about 2,400 after it, under PAYOUT_GAS / 63.)
    function test_RevertWhen_TooLittleGasForThePayout() public {
        uint256 id = _hookLease();
        vm.warp(START_TIME + 3 hours);
        hookBuyer.setMode(HookBuyer.Mode.BurnGas);
        MarketState memory before = _captureState();
        vm.prank(provider);
        try market.terminateLease{gas: 90_000}(id) {
            revert AssertionFailed("the starved end succeeded");
        } catch (bytes memory err) {
            assertEq(bytes4(err), Errors.Market_InsufficientGas.selector, "Market_InsufficientGas(gasLeft)");
        }
        _assertUnchanged(before);
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Active), "still active");
    }

    /// @notice Whatever gas the caller sends, the end either completes (with the refund and the penalty credited) or
    /// reverts with Market_InsufficientGas, changing nothing: a starved payout can never be passed off as a refusal,
    /// and never fails as a bare out-of-gas (the check after a failed payout keeps room for the credit's storage
    /// write). Two payouts burn PAYOUT_GAS each, so the range goes past twice that.
    function test_WhenAnyGasLimit_EndCompletesOrChangesNothing() public {
        uint256 id = _hookLease();
        vm.warp(START_TIME + 3 hours);
        hookBuyer.setMode(HookBuyer.Mode.BurnGas);
        uint256 refund = deposit - _cost(H100_PRICE, 8 * UNITS, 3 hours);
        bool completed;
        for (uint256 g = 60_000; g <= 700_000; g += 20_000) {
            uint256 snapshot = vm.snapshotState();
            MarketState memory before = _captureState();
            vm.prank(provider);
            (bool ok, bytes memory err) = address(market).call{gas: g}(
                abi.encodeCall(market.terminateLease, (id))
            );
            if (ok) {
                completed = true;
                assertEq(
                    market.credits(address(hook), address(hookBuyer)),
                    refund + penalty,
                    "completed: refund and penalty credited"
                );
                assertEq(market.getOffer(hookOffer).unitsInUse, 0, "completed: units freed");
            } else {
                assertEq(
                    bytes4(err),
                    Errors.Market_InsufficientGas.selector,
                    "a starved end names its error"
                );
                _assertUnchanged(before);
            }
            vm.revertToState(snapshot);
        }
        assertTrue(completed, "enough gas completes the end");
    }

    /*//////////////////////////////////////////////////////////////
                          PAUSED BOND TOKEN
    //////////////////////////////////////////////////////////////*/

    /// @notice Before issue #12 the penalty was paid in the market's bond token, so a paused bond token held the
    /// penalty back (credited). Now a lease's penalty comes from the provider's bond in the lease's own token: a
    /// paused BOND_TOKEN holds back nothing of a USD lease.
    function test_WhenBondTokenPaused_UsdLeasePaysInFull() public {
        BlocklistToken bondToken = new BlocklistToken();
        IMarketUnderTest other = _deployMarket(
            owner,
            treasury,
            IERC20(address(bondToken)),
            FEE_BPS,
            WINDOW,
            PENALTY_BPS
        );
        vm.startPrank(owner);
        other.setPaymentToken(address(usd), true);
        other.setPaymentToken(address(bondToken), true);
        vm.stopPrank();
        bondToken.mint(provider, MIN_BOND);
        vm.startPrank(provider);
        bondToken.approve(address(other), MIN_BOND);
        usd.approve(address(other), MIN_BOND);
        other.registerProvider("");
        other.depositBond(address(bondToken), MIN_BOND);
        other.depositBond(address(usd), MIN_BOND);
        uint256 offer = other.createOffer(_h100Params());
        vm.stopPrank();
        vm.prank(buyer);
        usd.approve(address(other), type(uint256).max);
        vm.prank(buyer);
        uint256 id = other.openLease(offer, UNITS, DURATION, type(uint256).max, PUBKEY);

        bondToken.setPaused(true);
        uint256 usdBefore = usd.balanceOf(buyer);
        vm.prank(provider);
        other.terminateLease(id);
        assertEq(
            usd.balanceOf(buyer) - usdBefore,
            deposit + penalty,
            "the refund and the penalty paid in USD"
        );
        assertEq(other.credits(address(bondToken), buyer), 0, "nothing credited in the bond token");
        assertEq(other.credits(address(usd), buyer), 0, "nothing credited in USD");
        assertEq(other.bondOf(provider, address(usd)).locked, 0, "reservation released");
        assertEq(other.bondOf(provider, address(usd)).amount, MIN_BOND - penalty, "the USD bond cut");
        assertEq(
            other.bondOf(provider, address(bondToken)).amount,
            MIN_BOND,
            "the bond-token bond untouched"
        );
        assertEq(usd.balanceOf(address(other)), MIN_BOND - penalty, "the market keeps the USD bond left");
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A lease of the hook-token offer, opened by the contract buyer and activated.
    function _hookLease() internal returns (uint256 id) {
        bytes memory ret = hookBuyer.execute(
            address(market),
            abi.encodeCall(market.openLease, (hookOffer, UNITS, DURATION, type(uint256).max, PUBKEY))
        );
        id = abi.decode(ret, (uint256));
        _activate(id);
    }

    /// @dev The lease ended for `reason`, its units are free and its penalty is no longer reserved.
    function _assertEnded(uint256 id, EndReason reason, uint256 lockedBefore) internal view {
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(market.getLease(id).endReason), uint8(reason), "reason");
        assertEq(market.getOffer(busdOffer).unitsInUse, 0, "units freed");
        assertEq(_lockedOf(provider, address(busd)), lockedBefore - penalty, "reservation released");
    }

    /// @dev Only `account` can withdraw its credit, to itself; while the token refuses it, the withdrawal reverts
    /// and changes nothing; once it works, the credit is delivered exactly once.
    function _assertCreditWithdrawal(address account, uint256 amount) internal {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NoCredit.selector, address(busd), stranger));
        vm.prank(stranger);
        market.withdrawCredit(address(busd));

        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.Blocklisted.selector, account));
        vm.prank(account);
        market.withdrawCredit(address(busd));
        _assertUnchanged(before);

        busd.setBlocklisted(account, false);
        uint256 balance = busd.balanceOf(account);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.CreditWithdrawn(account, address(busd), amount);
        vm.prank(account);
        assertEq(market.withdrawCredit(address(busd)), amount, "returns the amount");
        assertEq(busd.balanceOf(account) - balance, amount, "delivered to the credited account");
        assertEq(market.credits(address(busd), account), 0, "spent");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NoCredit.selector, address(busd), account));
        vm.prank(account);
        market.withdrawCredit(address(busd));
    }
}
