// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {StdInvariantLite} from "./StdInvariantLite.sol";
import {MarketHandler} from "./handlers/MarketHandler.sol";
import {MarketStore} from "./handlers/MarketStore.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";
import {LeaseStatus, LeaseView, Offer, OfferParams} from "../../../contracts/types/DataTypes.sol";

/// @notice The handler the suite deploys. Declared in this file so that building this file alone (as
/// `hardhat test solidity <this file>` does) emits its artifact: the invariant runner finds the handler's selectors
/// through it, and Hardhat emits artifacts only for the root files it builds.
contract MarketInvariantHandler is MarketHandler {
    constructor(
        IMarketUnderTest market_,
        MarketStore store_,
        address owner_,
        address stranger_,
        address[] memory buyers_,
        address[] memory providers_
    ) MarketHandler(market_, store_, owner_, stranger_, buyers_, providers_) {}
}

/// @notice The rules of contracts/README.md ("Rules that always hold"), checked after every call of
/// random sequences driven by {MarketHandler}. See README.md in this folder for the list in prose.
/// @dev Every invariant runs its own campaign of `runs` sequences of `depth` calls. failOnRevert is on for this
/// suite: the handler catches every market call, so a revert can only come from the handler itself, and must
/// not silently drop a call.
contract MarketInvariantsTest is BaseTest, StdInvariantLite {
    address internal provider3 = address(0x9203);
    address internal buyer3 = address(0xB3);
    address internal buyer4 = address(0xB4);

    MarketStore internal store;
    MarketHandler internal handler;

    error HandlerIssue(string what, bytes data, uint256 reverts, uint256 successes, uint256 mismatches);

    function setUp() public override {
        super.setUp();

        // More actors: two more buyers, a third provider, a stranger who pays for extensions and closes leases.
        address[4] memory extra = [buyer3, buyer4, provider3, stranger];
        for (uint256 i = 0; i < extra.length; ++i) {
            usd.mint(extra[i], 10_000_000e6);
            grid.transfer(extra[i], 1_000_000e18);
            vm.startPrank(extra[i]);
            usd.approve(address(market), type(uint256).max);
            grid.approve(address(market), type(uint256).max);
            vm.stopPrank();
        }
        address[4] memory buyers = [buyer, buyer2, buyer3, buyer4];
        for (uint256 i = 0; i < buyers.length; ++i) {
            usd.mint(buyers[i], 90_000_000e6);
            grid.transfer(buyers[i], 5_000_000e18);
        }
        vm.startPrank(provider2);
        market.registerProvider("ipfs://provider/osaka");
        market.depositBond(2_500e18);
        vm.stopPrank();
        vm.startPrank(provider3);
        market.registerProvider("ipfs://provider/johor");
        market.depositBond(1_000e18);
        vm.stopPrank();

        // Six offers in both tokens. Odd prices make every division round; offer 3 is so cheap that short leases
        // would cost nothing (and must be refused); offer 4 needs more bond than one penalty leaves behind;
        // offer 5 asks for no bond, so it has no penalty.
        _offer(provider, address(usd), 8, 16, H100_PRICE, 1 hours, 30 days, MIN_BOND);
        _offer(provider, address(grid), 8, 6, 2.5e18 + 7, 1 hours, 7 days, MIN_BOND);
        _offer(provider, address(usd), 1, 4, 7, 1 minutes, 2 days, MIN_BOND);
        _offer(provider2, address(grid), 4, 3, 333_333_333_333_333_333, 10 minutes, 1 days, 2_000e18);
        _offer(provider2, address(usd), 2, 2, 1_000_001, 1, 12 hours, 0);
        _offer(provider3, address(grid), 1, 2, 1e15 + 1, 1 hours, 3 days, 100e18);

        store = new MarketStore();
        address[] memory buyerList = new address[](4);
        for (uint256 i = 0; i < 4; ++i) buyerList[i] = buyers[i];
        address[] memory providerList = new address[](3);
        providerList[0] = provider;
        providerList[1] = provider2;
        providerList[2] = provider3;
        handler = new MarketInvariantHandler(market, store, owner, stranger, buyerList, providerList);
        store.addHandler(address(handler));
        handler.init();

        // Every run starts from the same six leases, one per offer: four active, two pending, so that ends and
        // claims have something to act on from the first call.
        for (uint256 i = 0; i < 6; ++i) {
            if (i < 4) handler.openAndActivate(i, i, 1, 2 hours, 1);
            else handler.openLease(i, i, 1, 2 hours, 1);
        }
        assertEq(store.leaseCount(), 6, "setUp: six leases");

        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](21);
        selectors[0] = MarketHandler.openLease.selector;
        selectors[1] = MarketHandler.openAndActivate.selector;
        selectors[2] = MarketHandler.activate.selector;
        selectors[3] = MarketHandler.extend.selector;
        selectors[4] = MarketHandler.terminateByBuyer.selector;
        selectors[5] = MarketHandler.terminateByProvider.selector;
        selectors[6] = MarketHandler.cancel.selector;
        selectors[7] = MarketHandler.close.selector;
        selectors[8] = MarketHandler.claim.selector;
        selectors[9] = MarketHandler.setOfferPrice.selector;
        selectors[10] = MarketHandler.setOfferUnits.selector;
        selectors[11] = MarketHandler.setOfferPaused.selector;
        selectors[12] = MarketHandler.setMarketPaused.selector;
        selectors[13] = MarketHandler.setProtocolFee.selector;
        selectors[14] = MarketHandler.depositBond.selector;
        selectors[15] = MarketHandler.withdrawBond.selector;
        selectors[16] = MarketHandler.withdrawFees.selector;
        selectors[17] = MarketHandler.warp.selector;
        selectors[18] = MarketHandler.createOffer.selector;
        selectors[19] = MarketHandler.strangerMeddles.selector;
        selectors[20] = MarketHandler.setTokenAllowed.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetSender(address(0xF022));
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Rule 1. For each token, the market's balance is exactly what it owes: the escrow of every lease
    /// (claimable earnings included), the unwithdrawn fees and, for GRID, the bonds. The same balance also
    /// equals every measured payment in minus every measured payment out.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_Conservation() public view {
        address[2] memory tokens = [address(usd), address(grid)];
        for (uint256 t = 0; t < 2; ++t) {
            address token = tokens[t];
            uint256 escrow;
            uint256 ghostEscrow;
            uint256 count = store.leaseCount();
            for (uint256 id = 1; id <= count; ++id) {
                MarketStore.LeaseRecord memory r = store.lease(id);
                if (r.token != token) continue;
                escrow += market.escrowOf(id);
                ghostEscrow += r.deposit - r.refund - r.settled;
            }
            uint256 bonds;
            if (token == address(grid)) {
                address[] memory ps = handler.providers();
                for (uint256 i = 0; i < ps.length; ++i) {
                    uint256 bond = market.getProvider(ps[i]).bond;
                    assertEq(bond, store.ghostBond(ps[i]), "bond == bonds in - bonds out - penalties");
                    bonds += bond;
                }
            }
            uint256 balance = IERC20(token).balanceOf(address(market));
            uint256 fees = market.protocolFees(token);
            assertEq(balance, escrow + fees + bonds, "balance == escrow + fees + bonds");

            MarketStore.TokenFlows memory f = store.flows(token);
            assertEq(
                balance + f.refunded + f.claimedNet + f.feesWithdrawn + f.bondOut + f.penalties,
                f.deposited + f.bondIn,
                "balance == measured in - measured out"
            );
            assertEq(fees, f.feesCharged - f.feesWithdrawn, "fees == charged - withdrawn");
            assertEq(escrow, ghostEscrow, "escrow == deposits - refunds - releases");
        }
    }

    /// @notice Rule 2. Deposits are floor(price x GPUs x seconds bought / 3600) however many top-ups made them;
    /// the accrual is floor(price x GPUs x seconds used / 3600); an ended lease refunded exactly deposit - accrual
    /// and holds exactly its accrual less what was released; once fully claimed, provider + fee == accrual.
    /// Every floor is within one base unit of the exact rational amount, and never above it.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_PayForTimeUsed() public view {
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            LeaseView memory v = market.getLease(id);

            assertEq(
                r.deposit,
                _cost(r.price, r.gpus, r.bookedDuration),
                "deposit == cost of the time bought"
            );
            _assertFloor(
                r.deposit,
                r.price * r.gpus * r.bookedDuration,
                3600,
                "deposit within 1 unit of exact"
            );

            uint256 accrued = handler.modelAccrued(id);
            assertEq(v.accrued, accrued, "accrued == cost of the time used");
            assertLe(v.claimable, v.deposit - v.settled, "claimable <= deposit - settled");
            assertLe(v.settled, accrued, "settled <= accrued");
            if (r.ended) {
                _assertFloor(accrued, r.price * r.gpus * r.billedSeconds, 3600, "accrual within 1 unit");
                assertEq(r.refund, r.deposit - accrued, "refund == deposit - accrued");
                assertEq(v.deposit, accrued, "an ended lease's billed deposit is its accrual");
                assertEq(market.escrowOf(id), accrued - v.settled, "ended escrow == accrued - released");
                if (v.settled == accrued) {
                    assertEq(r.claimedNet + r.fees, accrued, "provider + fee == accrued");
                }
            } else {
                assertEq(v.deposit, r.deposit, "live deposit == pulled");
                assertEq(market.escrowOf(id), r.deposit - v.settled, "live escrow == deposit - released");
            }
            _assertFloor(r.fees, r.settled * r.feeBps, 10_000, "fee within 1 unit of exact");
        }
    }

    /// @notice Rule 4. Each offer's units in use are exactly the units of its pending, active and expired (not yet
    /// closed) leases, and never exceed its total units.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_Capacity() public view {
        uint256 offers = market.offerCount();
        uint256 count = store.leaseCount();
        uint256[] memory live = new uint256[](offers + 1);
        for (uint256 id = 1; id <= count; ++id) {
            LeaseView memory v = market.getLease(id);
            if (v.status != LeaseStatus.Ended) live[v.offerId] += v.units;
        }
        uint256[] memory model = handler.modelUnitsInUse();
        for (uint256 offerId = 1; offerId <= offers; ++offerId) {
            Offer memory o = market.getOffer(offerId);
            assertEq(o.unitsInUse, live[offerId], "unitsInUse == units of live leases");
            assertEq(o.unitsInUse, model[offerId], "unitsInUse == model");
            assertLe(o.unitsInUse, o.totalUnits, "unitsInUse <= totalUnits");
        }
    }

    /// @notice Rule 3. A lease's price, fee, units, parties and offer are the ones of the moment it opened,
    /// whatever happened to the offer's price or the market's fee since.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_LockedTerms() public view {
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            LeaseView memory v = market.getLease(id);
            assertEq(v.pricePerGpuHour, r.price, "price locked at open");
            assertEq(v.feeBps, r.feeBps, "fee locked at open");
            assertEq(v.units, r.units, "units locked");
            assertEq(v.gpusPerUnit * v.units, r.gpus, "GPUs locked");
            assertEq(v.offerId, r.offerId, "offer");
            assertEq(v.buyer, r.buyer, "buyer");
            assertEq(v.provider, r.provider, "provider");
            assertEq(v.paymentToken, r.token, "payment token");
        }
    }

    /// @notice The lease status machine: Pending -> Active -> (Expired) -> Ended, never back. The market's status,
    /// end reason, start, end and settled amount always match the ghost model, which only moves forward; the
    /// settled amount never decreased in any claim.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_StatusMachine() public view {
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            LeaseView memory v = market.getLease(id);
            assertEq(uint256(v.status), uint256(handler.modelStatus(id)), "status == model");
            assertEq(uint256(v.endReason), r.ended ? r.endReason : 0, "end reason == model");
            assertEq(v.settled, r.settled, "settled == model");
            if (r.ended) {
                assertEq(v.end, r.endedAt, "an ended lease ends when it ended");
            } else if (r.activatedAt != 0) {
                assertEq(v.start, r.activatedAt, "start == activation time");
                assertEq(v.end, r.activatedAt + r.bookedDuration, "end == start + duration bought");
            } else {
                assertEq(v.activationDeadline, r.deadline, "deadline == open + window");
            }
        }
        assertEq(store.settledDecreases(), 0, "settled never decreases");
    }

    /// @notice Rule 6. While the market is paused, every terminate, cancel, close, claim, extension and bond
    /// withdrawal that the model deems valid succeeds.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_PauseNeverTrapsFunds() public view {
        assertEq(store.exitFailuresWhilePaused(), 0, "an exit failed while paused");
    }

    /// @notice Rules 5, 6 and 8 from the callers' side: every call the model deems valid succeeds, every call it
    /// deems invalid (paused market or offer, units or window or price or bond out of bounds, wrong status) is
    /// refused, and every payment measured at the counterparty is the formula's amount to the base unit
    /// (deposits, top-ups, refunds, penalties, claims, fees, bonds).
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_CallsBehaveAsModelled() public view {
        _assertNoHandlerIssue();
    }

    /// @notice After every run: end every lease, claim everything, withdraw fees and bonds. Then the market must
    /// hold nothing, every lease must be fully settled, and every token that came in must have gone out to
    /// exactly the buyer, provider, treasury or bond owner the formulas name.
    function afterInvariant() public virtual {
        handler.drain();
        _assertNoHandlerIssue();
        assertEq(store.exitFailuresWhilePaused(), 0, "drain: an exit failed while paused");
        assertEq(usd.balanceOf(address(market)), 0, "drain: USD left in the market");
        assertEq(grid.balanceOf(address(market)), 0, "drain: GRID left in the market");
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            LeaseView memory v = market.getLease(id);
            assertEq(uint256(v.status), uint256(LeaseStatus.Ended), "drain: lease not ended");
            assertEq(market.escrowOf(id), 0, "drain: escrow left");
            uint256 accrued = _cost(r.price, r.gpus, r.billedSeconds);
            assertEq(v.settled, accrued, "drain: not fully claimed");
            assertEq(r.claimedNet + r.fees, accrued, "drain: provider + fee != accrued");
            assertEq(r.refund + accrued, r.deposit, "drain: refund + accrued != deposit");
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _offer(
        address who,
        address token,
        uint256 gpusPerUnit,
        uint256 totalUnits,
        uint256 price,
        uint256 minDuration,
        uint256 maxDuration,
        uint256 minBond
    ) internal {
        OfferParams memory p = _h100Params();
        p.paymentToken = token;
        p.gpusPerUnit = gpusPerUnit;
        p.totalUnits = totalUnits;
        p.pricePerGpuHour = price;
        p.minDuration = minDuration;
        p.maxDuration = maxDuration;
        p.minProviderBond = minBond;
        vm.prank(who);
        market.createOffer(p);
    }

    /// @dev `amount` is floor(scaled / divisor): amount * divisor <= scaled < (amount + 1) * divisor.
    function _assertFloor(uint256 amount, uint256 scaled, uint256 divisor, string memory what) internal pure {
        assertLe(amount * divisor, scaled, what);
        assertLt(scaled - amount * divisor, divisor, what);
    }

    function _assertNoHandlerIssue() internal view {
        uint256 reverts = store.unexpectedReverts();
        uint256 successes = store.unexpectedSuccesses();
        uint256 mismatches = store.amountMismatches();
        if (reverts != 0 || successes != 0 || mismatches != 0) {
            revert HandlerIssue(store.lastIssue(), store.lastIssueData(), reverts, successes, mismatches);
        }
    }
}
