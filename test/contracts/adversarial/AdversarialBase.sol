// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

/// @notice A market with history, so that a rejected call has something to disturb:
/// - offer 1: the default H100 offer in USD; offer 2: the same hardware priced in GRID, its minimum bond in GRID.
/// - the provider's bonds: PROVIDER_BOND in USD (BaseTest) and GRID_BOND in GRID.
/// - lease 1 (offer 1, buyer): pending, its activation window missed.
/// - lease 2 (offer 1, buyer): active, 4 of 10 hours used, 2 hours of it claimed.
/// - lease 3 (offer 2, buyer2): expired, not closed.
/// - lease 4 (offer 1, buyer2): terminated by the buyer after 1 hour.
/// - USD protocol fees collected from the claim on lease 2.
/// The clock stands at START_TIME + 4 hours.
abstract contract AdversarialBase is MarketStateTest {
    uint256 internal constant USD_OFFER = 1;
    uint256 internal constant GRID_OFFER = 2;
    uint256 internal constant PENDING = 1;
    uint256 internal constant ACTIVE = 2;
    uint256 internal constant EXPIRED = 3;
    uint256 internal constant ENDED = 4;
    uint256 internal constant NOW = START_TIME + 4 hours;

    function setUp() public virtual override {
        super.setUp();
        _createDefaultOffer();
        OfferParams memory p = _h100Params();
        p.paymentToken = address(grid);
        p.pricePerGpuHour = 3e18;
        p.minProviderBond = GRID_MIN_BOND;
        _createOffer(p);
        _depositBond(provider, address(grid), GRID_BOND);

        _open(buyer, USD_OFFER, 2, 10 hours); // lease 1
        _openActive(USD_OFFER, 1, 10 hours); // lease 2
        _open(buyer2, GRID_OFFER, 1, 2 hours); // lease 3
        _activate(EXPIRED);
        _open(buyer2, USD_OFFER, 1, 10 hours); // lease 4
        _activate(ENDED);

        vm.warp(START_TIME + 1 hours);
        vm.prank(buyer2);
        market.terminateLease(ENDED);

        vm.warp(START_TIME + 2 hours);
        vm.prank(provider);
        market.claim(_ids(ACTIVE));

        vm.warp(NOW);
    }

    function _ids(uint256 a) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    function _ids(uint256 a, uint256 b) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](2);
        ids[0] = a;
        ids[1] = b;
    }
}
