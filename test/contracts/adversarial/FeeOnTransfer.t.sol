// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {FeeOnTransferToken} from "../mocks/FeeOnTransferToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

contract FeeOnTransfer_Adversarial_Test is AdversarialBase {
    FeeOnTransferToken internal fot;
    uint256 internal fotOffer;

    function setUp() public override {
        super.setUp();
        fot = new FeeOnTransferToken(100); // 1%
        vm.prank(owner);
        market.setPaymentToken(address(fot), true);
        _track(address(fot));
        OfferParams memory p = _h100Params();
        p.paymentToken = address(fot);
        fotOffer = _createOffer(p);
        // A lease's penalty comes from the bond in its token: the provider bonded in FOT while its fee was off.
        fot.setFeeBps(0);
        fot.mint(provider, PROVIDER_BOND);
        vm.prank(provider);
        fot.approve(address(market), PROVIDER_BOND);
        _depositBond(provider, address(fot), PROVIDER_BOND);
        fot.setFeeBps(100);
        fot.mint(buyer, 1_000_000e6);
        vm.prank(buyer);
        fot.approve(address(market), type(uint256).max);
    }

    function test_RevertWhen_OpenLease() public {
        uint256 deposit = _cost(H100_PRICE, 8, 1 hours);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_FeeOnTransferToken.selector,
                address(fot),
                deposit,
                deposit - deposit / 100
            )
        );
        _open(buyer, fotOffer, 1, 1 hours);
        _assertUnchanged(before);
    }

    function test_RevertWhen_OpenLeaseWithPermit() public {
        uint256 deposit = _cost(H100_PRICE, 8, 1 hours);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_FeeOnTransferToken.selector,
                address(fot),
                deposit,
                deposit - deposit / 100
            )
        );
        vm.prank(buyer);
        market.openLeaseWithPermit(fotOffer, 1, 1 hours, H100_PRICE, PUBKEY, 0, 0, 0, 0, 0);
        _assertUnchanged(before);
    }

    function test_RevertWhen_ExtendLease() public {
        fot.setFeeBps(0);
        uint256 id = _openActive(fotOffer, 1, 1 hours);
        fot.setFeeBps(100);
        uint256 topUp = _cost(H100_PRICE, 8, 1 hours);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_FeeOnTransferToken.selector,
                address(fot),
                topUp,
                topUp - topUp / 100
            )
        );
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
        _assertUnchanged(before);
    }

    function test_WhenFeeOff_Open() public {
        fot.setFeeBps(0);
        uint256 id = _open(buyer, fotOffer, 1, 1 hours);
        assertEq(
            fot.balanceOf(address(market)),
            PROVIDER_BOND + _cost(H100_PRICE, 8, 1 hours),
            "deposit held in full, beside the bond"
        );
        assertEq(market.getLease(id).paymentToken, address(fot), "opened");
    }

    function test_WhenFeeSwitchedOnAfterOpen_PayoutsBalance() public {
        fot.setFeeBps(0);
        uint256 id = _openActive(fotOffer, 1, 2 hours);
        fot.setFeeBps(100);
        vm.warp(NOW + 1 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        vm.prank(provider);
        market.claim(_ids(id));
        // The market sent what it owed; the token's fee fell on the recipients. What stays is the protocol fee.
        uint256 gross = _cost(H100_PRICE, 8, 1 hours);
        assertEq(
            fot.balanceOf(address(market)),
            PROVIDER_BOND + (gross * FEE_BPS) / 10_000,
            "only the protocol fee left, beside the bond"
        );
        assertEq(market.protocolFees(address(fot)), (gross * FEE_BPS) / 10_000, "books agree");
    }

    function test_RevertWhen_DepositBondInFeeToken() public {
        fot.mint(provider2, 1_000e6);
        vm.startPrank(provider2);
        fot.approve(address(market), type(uint256).max);
        market.registerProvider("");
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_FeeOnTransferToken.selector, address(fot), 1_000e6, 990e6)
        );
        market.depositBond(address(fot), 1_000e6);
        vm.stopPrank();
        _assertUnchanged(before);
        assertEq(_bondOf(provider2, address(fot)), 0, "no bond credited");
    }
}
