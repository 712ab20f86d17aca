// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {StdInvariantLite} from "./StdInvariantLite.sol";
import {ReservedHandler} from "./handlers/ReservedHandler.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";
import {
    LeaseStatus,
    LeaseView,
    Offer,
    OfferParams,
    ReservedTerms
} from "../../../contracts/types/DataTypes.sol";

/// @notice The handler the suite deploys, declared here so that building this file alone emits its artifact (see
/// MarketInvariants.t.sol).
contract ReservedInvariantHandler is ReservedHandler {
    constructor(
        IMarketUnderTest market_,
        address keeper_,
        address[] memory buyers_,
        address[] memory providers_,
        address[] memory tokens_
    ) ReservedHandler(market_, keeper_, buyers_, providers_, tokens_) {}
}

/// @notice The reserved-capacity rules (issue #12), checked after every call of random sequences driven by
/// {ReservedHandler}: rolling leases, top-ups by hand and by a keeper, commitments and early exits, per-server
/// releases and failures, Unfunded ends. See README.md in this folder.
contract ReservedInvariantsTest is BaseTest, StdInvariantLite {
    ReservedHandler internal handler;
    address[2] internal tokens;

    function setUp() public override {
        super.setUp();
        tokens = [address(usd), address(grid)];
        vm.prank(provider);
        market.depositBond(address(usd), 2_000_000e6);
        vm.startPrank(provider2);
        market.registerProvider("ipfs://provider/tokyo");
        market.depositBond(address(grid), 500_000e18);
        vm.stopPrank();

        // 1: rolling, no commitment. 2: rolling, 10-day commitment with 3 days' billed notice. 3: rolling in GRID,
        // 7-day commitment with a 20% exit fee. 4: prepaid only, 2-day commitment with a 10% fee. 5: a plain
        // offer with no bond floor, so every lease's penalty is its 10% stake.
        _reserved(provider, address(usd), 8, H100_PRICE, 1 hours, 30 days, ReservedTerms(1 days, 0, 0, 0));
        _reserved(
            provider,
            address(usd),
            8,
            H100_PRICE,
            10 days,
            60 days,
            ReservedTerms(2 days, 10 days, 3 days, 0)
        );
        _reserved(
            provider2,
            address(grid),
            4,
            2.5e18 + 7,
            7 days,
            30 days,
            ReservedTerms(1 days, 7 days, 0, 2_000)
        );
        _reserved(provider, address(usd), 2, 1_000_001, 2 days, 10 days, ReservedTerms(0, 2 days, 0, 1_000));
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.totalUnits = 4;
        p.maxDuration = 5 days;
        p.minProviderBond = 0;
        _createOffer(p);

        address[] memory buyerList = new address[](2);
        buyerList[0] = buyer;
        buyerList[1] = buyer2;
        address[] memory providerList = new address[](2);
        providerList[0] = provider;
        providerList[1] = provider2;
        address[] memory tokenList = new address[](2);
        tokenList[0] = address(usd);
        tokenList[1] = address(grid);
        handler = new ReservedInvariantHandler(market, stranger, buyerList, providerList, tokenList);

        targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](20);
        actions[0] = ReservedHandler.openRolling.selector;
        actions[1] = ReservedHandler.openRolling.selector; // twice: rolling leases are what this suite is about
        actions[2] = ReservedHandler.openPrepaid.selector;
        actions[3] = ReservedHandler.activate.selector;
        actions[4] = ReservedHandler.activate.selector;
        actions[5] = ReservedHandler.manualTopUp.selector;
        actions[6] = ReservedHandler.setAllowance.selector;
        actions[7] = ReservedHandler.revokeAllowance.selector;
        actions[8] = ReservedHandler.keeperTopUp.selector;
        actions[9] = ReservedHandler.terminateByBuyer.selector;
        actions[10] = ReservedHandler.terminateByProvider.selector;
        actions[11] = ReservedHandler.cancel.selector;
        actions[12] = ReservedHandler.close.selector;
        actions[13] = ReservedHandler.endUnfunded.selector;
        actions[14] = ReservedHandler.releaseServers.selector;
        actions[15] = ReservedHandler.failServers.selector;
        actions[16] = ReservedHandler.claim.selector;
        actions[17] = ReservedHandler.warp.selector;
        actions[18] = ReservedHandler.keeperTopUp.selector; // twice each: top-ups need an allowance first
        actions[19] = ReservedHandler.setAllowance.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
        targetSender(address(0xF023));
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice R1. Per token: the market's balance == every lease's escrow + unwithdrawn fees + credits + bonds.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_ConservationPerToken() public view {
        uint256[] memory ids = handler.leaseIds();
        address[] memory ps = handler.providers();
        address[] memory bs = handler.buyers();
        for (uint256 k = 0; k < tokens.length; ++k) {
            address token = tokens[k];
            uint256 owed = market.protocolFees(token);
            for (uint256 i = 0; i < ids.length; ++i) {
                if (market.getLease(ids[i]).paymentToken == token) owed += market.escrowOf(ids[i]);
            }
            for (uint256 i = 0; i < ps.length; ++i) owed += market.bondOf(ps[i], token).amount;
            for (uint256 i = 0; i < bs.length; ++i) owed += market.credits(token, bs[i]);
            assertEq(
                IERC20(token).balanceOf(address(market)),
                owed,
                "balance == escrow + fees + credits + bonds"
            );
        }
    }

    /// @notice R2. Billed time <= funded time: what a lease accrued by units x time (its accrual without `frozen`)
    /// never exceeds the cost of its funded duration for the servers it has.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_BilledWithinFunded() public view {
        uint256[] memory ids = handler.leaseIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            LeaseView memory v = market.getLease(ids[i]);
            uint256 billed = v.accrued - market.getLeaseTerms(ids[i]).frozen;
            assertLe(
                billed,
                _cost(v.pricePerGpuHour, v.gpusPerUnit * v.units, v.duration),
                "billed <= funded"
            );
        }
    }

    /// @notice R3. No exit charge when the provider is at fault (ProviderTerminated, NoShowCancelled,
    /// OutageUnresolved, failServers); a buyer's exit costs exactly what was quoted (capped by what is left).
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_NoExitChargeAtFault() public view {
        assertEq(handler.chargesAtFault(), 0, handler.lastIssue());
        assertEq(handler.chargesAboveQuote(), 0, handler.lastIssue());
    }

    /// @notice R4. Capacity: every offer's unitsInUse == the units its live leases hold now, <= totalUnits.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_Capacity() public view {
        uint256 offers = market.offerCount();
        uint256[] memory live = new uint256[](offers + 1);
        uint256[] memory ids = handler.leaseIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            LeaseView memory v = market.getLease(ids[i]);
            if (v.status != LeaseStatus.Ended) live[v.offerId] += v.units;
        }
        for (uint256 id = 1; id <= offers; ++id) {
            Offer memory o = market.getOffer(id);
            assertEq(o.unitsInUse, live[id], "unitsInUse == units of live leases");
            assertLe(o.unitsInUse, o.totalUnits, "unitsInUse <= totalUnits");
        }
    }

    /// @notice R5. Per provider x token, the locked bond == the sum of its live leases' penalties
    /// (getLeaseTerms(id).penalty), and never more than the bond.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_ReservedBondIsLivePenalties() public view {
        uint256[] memory ids = handler.leaseIds();
        address[] memory ps = handler.providers();
        for (uint256 i = 0; i < ps.length; ++i) {
            for (uint256 k = 0; k < tokens.length; ++k) {
                uint256 sum;
                for (uint256 j = 0; j < ids.length; ++j) {
                    LeaseView memory v = market.getLease(ids[j]);
                    if (v.provider != ps[i] || v.paymentToken != tokens[k] || v.status == LeaseStatus.Ended) {
                        continue;
                    }
                    sum += market.getLeaseTerms(ids[j]).penalty;
                }
                assertEq(market.bondOf(ps[i], tokens[k]).locked, sum, "locked == sum of live penalties");
                assertLe(sum, market.bondOf(ps[i], tokens[k]).amount, "locked <= bond");
            }
        }
    }

    /// @notice R6. Top-ups stay within the allowance (per top-up, total), the term and now + one prepaid window,
    /// and run only below the runway threshold; Unfunded ends come after grace and take the exit escrow only
    /// before the commitment is over.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_TopUpsAndUnfundedEnds() public view {
        assertEq(handler.topUpsBeyondLimits(), 0, handler.lastIssue());
        assertEq(handler.earlyUnfundedEnds(), 0, handler.lastIssue());
        assertEq(handler.unfundedChargeMismatches(), 0, handler.lastIssue());
        assertEq(handler.issues(), 0, handler.lastIssue());
    }

    /*//////////////////////////////////////////////////////////////
                            SHOWING ITS WORK
    //////////////////////////////////////////////////////////////*/

    /// @notice One deterministic walk of 900 actions reaches every reserved-capacity call at least once, so the
    /// campaigns above are not vacuous; the rules hold at its end.
    function test_WalkReachesEveryCall() public {
        bytes4[] memory actions = targetSelectors()[0].selectors;
        for (uint256 i = 0; i < 900; ++i) {
            uint256 seed = uint256(keccak256(abi.encode("reserved walk", i)));
            bytes memory args = abi.encode(
                uint256(keccak256(abi.encode(seed, 1))),
                uint256(keccak256(abi.encode(seed, 2))),
                uint256(keccak256(abi.encode(seed, 3))),
                uint256(keccak256(abi.encode(seed, 4)))
            );
            (bool ok, ) = address(handler).call(abi.encodePacked(actions[seed % actions.length], args));
            assertTrue(ok, "the handler never reverts");
        }
        string[14] memory required = [
            "openRollingLease",
            "openLease",
            "activateLease",
            "extendLease",
            "setTopUpAllowance",
            "revokeTopUpAllowance",
            "executeTopUp",
            "terminate(buyer)",
            "terminate(provider)",
            "closeLease",
            "endUnfunded",
            "releaseServers",
            "failServers",
            "claim"
        ];
        for (uint256 i = 0; i < required.length; ++i) {
            assertGt(handler.successes(keccak256(bytes(required[i]))), 0, required[i]);
        }
        invariant_ConservationPerToken();
        invariant_BilledWithinFunded();
        invariant_NoExitChargeAtFault();
        invariant_Capacity();
        invariant_ReservedBondIsLivePenalties();
        invariant_TopUpsAndUnfundedEnds();
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _reserved(
        address who,
        address token,
        uint256 gpusPerUnit,
        uint256 price,
        uint256 minDuration,
        uint256 maxDuration,
        ReservedTerms memory terms
    ) internal {
        OfferParams memory p = _h100Params();
        p.paymentToken = token;
        p.gpusPerUnit = gpusPerUnit;
        p.totalUnits = 6;
        p.pricePerGpuHour = price;
        p.minDuration = minDuration;
        p.maxDuration = maxDuration;
        p.minProviderBond = token == address(grid) ? 1_000e18 : MIN_BOND;
        vm.prank(who);
        market.createReservedOffer(p, terms);
    }
}
