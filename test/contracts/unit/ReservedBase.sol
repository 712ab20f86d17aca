// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {OfferParams, ReservedTerms} from "../../../contracts/types/DataTypes.sol";

/// @notice The reserved-capacity fixture: three offers of 8xH100 servers in USD with reserved terms, and helpers
/// for rolling leases. Prices and GPUs are BaseTest's, so `_cost` gives every amount independently.
abstract contract ReservedBase is MarketStateTest {
    uint256 internal constant GPUS = 8;
    uint256 internal constant GRACE = 3 days; // the market's GRACE_PERIOD
    uint256 internal constant STAKE_BPS = 1_000; // the market's STAKE_PENALTY_BPS

    uint256 internal rollingOffer; // 1-day prepaid window, no commitment, 1 hour to 60 days
    uint256 internal noticeOffer; // 2-day window, 10-day commitment with 3 days' billed notice, 10 to 60 days
    uint256 internal feeOffer; // 1-day window, 7-day commitment with a 20% exit fee, 7 to 60 days

    function setUp() public virtual override {
        super.setUp();
        rollingOffer = _reservedOffer(1 hours, ReservedTerms(1 days, 0, 0, 0));
        noticeOffer = _reservedOffer(10 days, ReservedTerms(2 days, 10 days, 3 days, 0));
        feeOffer = _reservedOffer(7 days, ReservedTerms(1 days, 7 days, 0, 2_000));
    }

    function _reservedParams(uint256 minDuration) internal view returns (OfferParams memory p) {
        p = _h100Params();
        p.minDuration = minDuration;
        p.maxDuration = 60 days;
    }

    function _reservedOffer(uint256 minDuration, ReservedTerms memory terms) internal returns (uint256 id) {
        vm.prank(provider);
        id = market.createReservedOffer(_reservedParams(minDuration), terms);
    }

    /// @dev Opens a rolling lease for `buyer` and activates it.
    function _rolling(
        uint256 offerId,
        uint256 units,
        uint256 term,
        uint256 funded
    ) internal returns (uint256 id) {
        vm.prank(buyer);
        id = market.openRollingLease(offerId, units, term, funded, type(uint256).max, PUBKEY);
        _activate(id);
    }

    /// @dev The cost of `seconds_` of `units` servers at the fixture's price.
    function _costOf(uint256 units, uint256 seconds_) internal pure returns (uint256) {
        return _cost(H100_PRICE, GPUS * units, seconds_);
    }
}
