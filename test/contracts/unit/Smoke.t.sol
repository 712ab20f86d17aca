// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";

contract SmokeTest is BaseTest {
    function test_OpenActivateTerminate() public {
        uint256 offerId = _createDefaultOffer();
        uint256 id = _open(buyer, offerId, 2, 24 hours);
        _activate(id);
        vm.warp(block.timestamp + 6 hours);
        uint256 before = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(usd.balanceOf(buyer) - before, _cost(H100_PRICE, 16, 18 hours), "refund of 18 of 24 hours");
    }

    function test_RevertWhen_UnknownOffer() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 99));
        _open(buyer, 99, 1, 1 hours);
    }

    function testFuzz_CostNeverExceedsExact(uint256 secs) public pure {
        secs = bound(secs, 0, 1096 days);
        assertLe(_cost(H100_PRICE, 8, secs) * 3600, H100_PRICE * 8 * secs, "floor");
    }
}
