// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {ReentrantToken, ReentrancyAttacker} from "../mocks/ReentrantToken.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract Reentrancy_Adversarial_Test is MarketStateTest {
    uint256 internal constant FUNDS = 1_000_000e6;

    ReentrantToken internal rt;
    ReentrancyAttacker internal attacker;
    uint256 internal offerId;

    function setUp() public override {
        super.setUp();
        rt = new ReentrantToken();
        attacker = new ReentrancyAttacker(address(rt));
        rt.setHook(address(attacker));
        vm.prank(owner);
        market.setPaymentToken(address(rt), true);
        _track(address(rt));
        _trackHolder(address(attacker));

        OfferParams memory p = _h100Params();
        p.paymentToken = address(rt);
        offerId = _createOffer(p);
        // A lease's penalty comes from the bond in its token: the provider bonds in the reentrant token. The market's
        // balance of it starts at that bond.
        rt.mint(provider, PROVIDER_BOND);
        vm.prank(provider);
        rt.approve(address(market), PROVIDER_BOND);
        _depositBond(provider, address(rt), PROVIDER_BOND);

        rt.mint(address(attacker), FUNDS);
        attacker.execute(address(rt), abi.encodeCall(IERC20.approve, (address(market), type(uint256).max)));
        rt.mint(buyer, FUNDS);
        vm.prank(buyer);
        rt.approve(address(market), type(uint256).max);
    }

    /*//////////////////////////////////////////////////////////////
                          ATTACKER AS THE BUYER
    //////////////////////////////////////////////////////////////*/

    function test_WhenBuyerReentersOpenLease_Bubbled() public {
        attacker.arm(address(market), _openCall(1), true);
        MarketState memory before = _captureState();
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        attacker.execute(address(market), _openCall(1));
        _assertUnchanged(before);
    }

    function test_WhenBuyerReentersOpenLease_Swallowed() public {
        attacker.arm(address(market), _openCall(1), false);
        attacker.execute(address(market), _openCall(1));
        _assertBlockedOnce();
        assertEq(market.leaseCount(), 1, "one lease");
        assertEq(market.getOffer(offerId).unitsInUse, 1, "one unit taken");
        assertEq(rt.balanceOf(address(attacker)), FUNDS - _cost(H100_PRICE, 8, 1 hours), "one deposit");
        assertEq(
            rt.balanceOf(address(market)),
            PROVIDER_BOND + _cost(H100_PRICE, 8, 1 hours),
            "market holds the bond and one deposit"
        );
    }

    /// @notice A buyer whose receive hook makes its refund transfer revert cannot take the end back with it: the
    /// lease ends and the refund is credited to the buyer. (Before the pull credits, the guard's revert bubbled
    /// through the refund and undid the whole termination: the assertion that the lease ended failed.)
    function test_WhenBuyerReentersTerminate_Bubbled() public {
        uint256 id = _attackerLease();
        vm.warp(START_TIME + 2 hours);
        uint256 deposit = _cost(H100_PRICE, 8, 10 hours);
        uint256 refund = _cost(H100_PRICE, 8, 8 hours);
        attacker.arm(address(market), abi.encodeCall(market.terminateLease, (id)), true);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.CreditAdded(address(attacker), address(rt), refund);
        attacker.execute(address(market), abi.encodeCall(market.terminateLease, (id)));

        // The failed transfer took the hook's own bookkeeping with it: only the market's records show it.
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(market.getLease(id).endReason), uint8(EndReason.BuyerTerminated), "by the buyer");
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");
        assertEq(market.credits(address(rt), address(attacker)), refund, "refund credited");
        assertEq(rt.balanceOf(address(attacker)), FUNDS - deposit, "nothing paid yet");
        assertEq(
            rt.balanceOf(address(market)),
            PROVIDER_BOND + deposit,
            "the market holds bond, escrow and credit"
        );

        // The hook is still armed (its disarming was undone too): swallowing the re-entry, the buyer pulls its
        // credit, once.
        attacker.arm(address(market), abi.encodeCall(market.terminateLease, (id)), false);
        attacker.execute(address(market), abi.encodeCall(market.withdrawCredit, (address(rt))));
        _assertBlockedOnce();
        assertEq(rt.balanceOf(address(attacker)), FUNDS - deposit + refund, "refunded once");
        assertEq(market.credits(address(rt), address(attacker)), 0, "credit spent");
        assertEq(
            rt.balanceOf(address(market)),
            PROVIDER_BOND + deposit - refund,
            "the provider's accrual stays"
        );
    }

    function test_WhenBuyerReentersTerminate_Swallowed() public {
        uint256 id = _attackerLease();
        vm.warp(START_TIME + 2 hours);
        uint256 refund = _cost(H100_PRICE, 8, 8 hours);
        attacker.arm(address(market), abi.encodeCall(market.terminateLease, (id)), false);
        attacker.execute(address(market), abi.encodeCall(market.terminateLease, (id)));
        _assertBlockedOnce();
        uint256 deposit = _cost(H100_PRICE, 8, 10 hours);
        assertEq(rt.balanceOf(address(attacker)), FUNDS - deposit + refund, "refunded once");
        assertEq(
            rt.balanceOf(address(market)),
            PROVIDER_BOND + deposit - refund,
            "market keeps the bond and the provider's accrual"
        );
        assertEq(market.escrowOf(id), deposit - refund, "escrow matches");
    }

    function test_WhenBuyerReentersCancelOfOtherLease() public {
        uint256 stale = abi.decode(attacker.execute(address(market), _openCall(1)), (uint256));
        vm.warp(START_TIME + WINDOW + 1); // `stale` may now be cancelled
        bytes memory cancel = abi.encodeCall(market.cancelLease, (stale));
        attacker.arm(address(market), cancel, false);
        attacker.execute(address(market), _openCall(1));
        _assertBlockedOnce();
        assertEq(uint8(market.getLease(stale).status), uint8(LeaseStatus.Pending), "not cancelled inside");
        assertEq(rt.balanceOf(address(attacker)), FUNDS - 2 * _cost(H100_PRICE, 8, 1 hours), "two deposits");
    }

    function test_WhenBuyerReentersExtend() public {
        uint256 id = _attackerLease();
        bytes memory extend = abi.encodeCall(market.extendLease, (id, 1 hours));
        attacker.arm(address(market), extend, false);
        attacker.execute(address(market), extend);
        _assertBlockedOnce();
        assertEq(market.getLease(id).duration, 11 hours, "extended once");
        assertEq(rt.balanceOf(address(market)), PROVIDER_BOND + _cost(H100_PRICE, 8, 11 hours), "one top-up");
    }

    /*//////////////////////////////////////////////////////////////
                         ATTACKER AS THE PROVIDER
    //////////////////////////////////////////////////////////////*/

    function test_WhenProviderReentersClaim_Bubbled() public {
        uint256 id = _leaseOfAttackerOffer();
        vm.warp(START_TIME + 3 hours);
        bytes memory claimCall = abi.encodeCall(market.claim, (_one(id)));
        attacker.arm(address(market), claimCall, true);
        MarketState memory before = _captureState();
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        attacker.execute(address(market), claimCall);
        _assertUnchanged(before);
    }

    function test_WhenProviderReentersClaim_Swallowed() public {
        uint256 id = _leaseOfAttackerOffer();
        vm.warp(START_TIME + 3 hours);
        uint256 attackerBefore = rt.balanceOf(address(attacker));
        bytes memory claimCall = abi.encodeCall(market.claim, (_one(id)));
        attacker.arm(address(market), claimCall, false);
        attacker.execute(address(market), claimCall);
        _assertBlockedOnce();
        uint256 gross = _cost(H100_PRICE, 8, 3 hours);
        uint256 fee = (gross * FEE_BPS) / 10_000;
        assertEq(rt.balanceOf(address(attacker)) - attackerBefore, gross - fee, "paid once");
        assertEq(market.protocolFees(address(rt)), fee, "fee once");
        assertEq(
            rt.balanceOf(address(market)),
            PROVIDER_BOND + MIN_BOND + _cost(H100_PRICE, 8, 10 hours) - gross + fee,
            "bonds + escrow + fee"
        );
    }

    function test_WhenProviderReentersTerminate() public {
        uint256 id = _leaseOfAttackerOffer();
        vm.warp(START_TIME + 3 hours);
        attacker.arm(address(market), abi.encodeCall(market.terminateLease, (id)), false);
        attacker.execute(address(market), abi.encodeCall(market.claim, (_one(id))));
        _assertBlockedOnce();
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Active), "not terminated inside");
        assertEq(_bondOf(address(attacker), address(rt)), MIN_BOND, "no penalty taken");
    }

    /*//////////////////////////////////////////////////////////////
                          REENTRANT BOND TOKEN
    //////////////////////////////////////////////////////////////*/

    function test_WhenProviderReentersWithdrawBond_Bubbled() public {
        _bondInReentrantToken(100e6);
        bytes memory withdraw = abi.encodeCall(market.withdrawBond, (address(rt), 40e6));
        attacker.arm(address(market), withdraw, true);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        attacker.execute(address(market), withdraw);
        assertEq(_bondOf(address(attacker), address(rt)), 100e6, "bond unchanged");
        assertEq(rt.balanceOf(address(market)), PROVIDER_BOND + 100e6, "market balance unchanged");
        assertEq(rt.balanceOf(address(attacker)), FUNDS - 100e6, "attacker balance unchanged");
    }

    function test_WhenProviderReentersWithdrawBond_Swallowed() public {
        _bondInReentrantToken(100e6);
        bytes memory withdraw = abi.encodeCall(market.withdrawBond, (address(rt), 40e6));
        attacker.arm(address(market), withdraw, false);
        attacker.execute(address(market), withdraw);
        _assertBlockedOnce();
        assertEq(_bondOf(address(attacker), address(rt)), 60e6, "withdrawn once");
        assertEq(rt.balanceOf(address(market)), PROVIDER_BOND + 60e6, "market pays once");
        assertEq(rt.balanceOf(address(attacker)), FUNDS - 60e6, "attacker received once");
    }

    function test_WhenProviderReentersDepositBond() public {
        _bondInReentrantToken(100e6);
        bytes memory deposit = abi.encodeCall(market.depositBond, (address(rt), 10e6));
        attacker.arm(address(market), deposit, false);
        attacker.execute(address(market), deposit);
        _assertBlockedOnce();
        assertEq(_bondOf(address(attacker), address(rt)), 110e6, "credited once");
        assertEq(rt.balanceOf(address(market)), PROVIDER_BOND + 110e6, "pulled once");
    }

    /*//////////////////////////////////////////////////////////////
                            FEE WITHDRAWAL
    //////////////////////////////////////////////////////////////*/

    function test_WhenTreasuryReentersWithdrawFees() public {
        // The attacker is the treasury of this market and the provider of the lease that earns the fees.
        vm.prank(owner);
        market.setTreasury(address(attacker));
        uint256 id = _leaseOfAttackerOffer();
        vm.warp(START_TIME + 10 hours);
        attacker.execute(address(market), abi.encodeCall(market.claim, (_one(id))));
        uint256 fee = market.protocolFees(address(rt));
        assertGt(fee, 0, "fees to take");
        uint256 before = rt.balanceOf(address(attacker));

        bytes memory withdraw = abi.encodeCall(market.withdrawFees, (address(rt)));
        attacker.arm(address(market), withdraw, false);
        market.withdrawFees(address(rt));
        _assertBlockedOnce();
        assertEq(rt.balanceOf(address(attacker)) - before, fee, "fees sent once");
        assertEq(rt.balanceOf(address(market)), PROVIDER_BOND + MIN_BOND, "only the two bonds left");
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _assertBlockedOnce() internal view {
        assertEq(attacker.attempts(), 1, "re-entry attempted");
        assertFalse(attacker.reentrySucceeded(), "re-entry failed");
        assertEq(
            attacker.reentryReturnData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector),
            "stopped by the guard"
        );
    }

    function _openCall(uint256 units) internal view returns (bytes memory) {
        return abi.encodeCall(market.openLease, (offerId, units, 1 hours, type(uint256).max, PUBKEY));
    }

    /// @dev A 10-hour lease of one unit, opened by the attacker and activated.
    function _attackerLease() internal returns (uint256 id) {
        bytes memory ret = attacker.execute(
            address(market),
            abi.encodeCall(market.openLease, (offerId, 1, 10 hours, type(uint256).max, PUBKEY))
        );
        id = abi.decode(ret, (uint256));
        _activate(id);
    }

    /// @dev The attacker registers, bonds MIN_BOND and lists an offer in the reentrant token; the buyer leases 10
    /// hours of it and the attacker activates the lease.
    function _leaseOfAttackerOffer() internal returns (uint256 id) {
        _bondInReentrantToken(MIN_BOND);
        OfferParams memory p = _h100Params();
        p.paymentToken = address(rt);
        uint256 attackerOffer = abi.decode(
            attacker.execute(address(market), abi.encodeCall(market.createOffer, (p))),
            (uint256)
        );
        id = _open(buyer, attackerOffer, 1, 10 hours);
        attacker.execute(address(market), abi.encodeCall(market.activateLease, (id, _access())));
    }

    /// @dev The attacker registers and bonds `bond` in the reentrant token (from its FUNDS).
    function _bondInReentrantToken(uint256 bond) internal {
        attacker.execute(address(market), abi.encodeCall(market.registerProvider, ("")));
        attacker.execute(address(market), abi.encodeCall(market.depositBond, (address(rt), bond)));
    }

    function _one(uint256 id) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = id;
    }
}
