// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {
    LeaseStatus,
    LeaseTermsView,
    OfferParams,
    ReservedTerms
} from "../../../contracts/types/DataTypes.sol";

/// @notice Random rolling terms, top-ups, partial releases and ends keep one lease's accounting exact: what the buyer
/// paid in less what it got back is what the provider earned plus the fees plus what the market still holds for the
/// lease; and no exit charge ever exceeds the exit escrow.
contract ReservedAccounting_Fuzz_Test is BaseTest {
    uint256 internal offerId;

    function setUp() public override {
        super.setUp();
        OfferParams memory p = _h100Params();
        p.minDuration = 7 days;
        p.maxDuration = 60 days;
        vm.startPrank(provider);
        market.depositBond(address(usd), 1_000_000e6);
        offerId = market.createReservedOffer(p, ReservedTerms(1 days, 7 days, 0, 2_000));
        vm.stopPrank();
    }

    function testFuzz_RollingLeaseAccountingExact(
        uint256 termSeed,
        uint256 fundedSeed,
        uint256 topUpSeed,
        uint256 warpSeed,
        uint256 countSeed
    ) public {
        uint256 term = bound(termSeed, 7 days, 60 days);
        uint256 funded = bound(fundedSeed, 1 days, term);
        uint256 buyerStart = usd.balanceOf(buyer);
        uint256 providerStart = usd.balanceOf(provider);
        vm.prank(buyer);
        uint256 id = market.openRollingLease(offerId, 4, term, funded, type(uint256).max, PUBKEY);
        _activate(id);
        uint256 start = vm.getBlockTimestamp();

        vm.warp(start + bound(warpSeed, 0, funded));
        if (term > funded && market.getLease(id).status == LeaseStatus.Active) {
            vm.prank(buyer);
            market.extendLease(id, bound(topUpSeed, 1, term - funded));
        }
        LeaseTermsView memory t = market.getLeaseTerms(id);
        assertLe(t.exitChargeNow, t.exitEscrow, "exit charge <= escrow");
        assertLe(market.exitChargeAt(id, 4, vm.getBlockTimestamp()), t.exitEscrow, "quote <= escrow");

        vm.warp(vm.getBlockTimestamp() + bound(warpSeed >> 64, 0, 3 days));
        if (market.getLease(id).status == LeaseStatus.Active) {
            vm.prank(buyer);
            market.releaseServers(id, bound(countSeed, 1, 3));
        }
        vm.warp(vm.getBlockTimestamp() + bound(warpSeed >> 128, 0, 3 days));
        if (market.getLease(id).status == LeaseStatus.Active) {
            vm.prank(buyer);
            market.terminateLease(id);
        }
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        if (market.getLease(id).claimable != 0) {
            vm.prank(provider);
            market.claim(ids);
        }

        uint256 buyerNet = buyerStart - usd.balanceOf(buyer);
        uint256 providerGot = usd.balanceOf(provider) - providerStart;
        uint256 fees = market.protocolFees(address(usd));
        assertEq(buyerNet, providerGot + fees + market.escrowOf(id), "paid == earned + fees + held");
        assertEq(
            usd.balanceOf(address(market)),
            market.bondOf(provider, address(usd)).amount + fees + market.escrowOf(id),
            "the market holds exactly the bond, the fees and the lease's escrow"
        );
        assertLe(market.getLeaseTerms(id).frozen, buyerNet, "never charged more than paid");
    }
}
