// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";

/// @notice The fixture of the outage suites: an active lease of 4 servers (8 GPUs each) of the default offer,
/// 10 hours from START_TIME, with the offer's 4-hour repair window.
abstract contract OutageBase is MarketStateTest {
    uint256 internal constant UNITS = 4;
    uint256 internal constant GPUS = 8;
    uint256 internal constant DURATION = 10 hours;
    // The market's outage rules, restated (OutageExits.t.sol checks them against the market's constants).
    uint256 internal constant MAX_OUTAGE_REPORTS = 12;
    uint256 internal constant REPORT_COOLDOWN = 1 hours;
    uint256 internal constant MIN_REPAIR_WINDOW = 15 minutes;
    uint256 internal constant MAX_REPAIR_WINDOW = 7 days;
    uint256 internal constant MAX_ACCESS_BYTES = 4_096;
    bytes32 internal constant EVIDENCE = keccak256("lease verify: 2 of 8 GPUs missing");

    uint256 internal offerId;
    uint256 internal leaseId;
    uint256 internal end;
    uint256 internal deposit;
    uint256 internal penalty;

    function setUp() public virtual override {
        super.setUp();
        offerId = _createDefaultOffer();
        leaseId = _openActive(offerId, UNITS, DURATION);
        end = START_TIME + DURATION;
        deposit = _cost(H100_PRICE, GPUS * UNITS, DURATION);
        penalty = (MIN_BOND * PENALTY_BPS) / 10_000;
    }

    function _report(uint256 units) internal {
        vm.prank(buyer);
        market.reportOutage(leaseId, units, EVIDENCE);
    }

    function _resolve() internal {
        vm.prank(provider);
        market.resolveOutage(leaseId, "");
    }

    /// @dev The gross amount `unitSeconds` of one server of this lease bill: floor(price * 8 * us / 3600).
    function _billed(uint256 unitSeconds) internal pure returns (uint256) {
        return _cost(H100_PRICE, GPUS, unitSeconds);
    }

    function _one(uint256 id) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = id;
    }
}
