// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {BlocklistToken} from "../mocks/BlocklistToken.sol";
import {console} from "hardhat/console.sol";
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
    BlocklistToken internal busd;
    bytes4[] internal actions;

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
        // A USDC-like third payment token, in which the handler blocklists buyers so that their payouts are credited.
        busd = new BlocklistToken();
        vm.prank(owner);
        market.setPaymentToken(address(busd), true);
        address[4] memory buyers = [buyer, buyer2, buyer3, buyer4];
        for (uint256 i = 0; i < buyers.length; ++i) {
            usd.mint(buyers[i], 90_000_000e6);
            grid.transfer(buyers[i], 5_000_000e18);
            busd.mint(buyers[i], 100_000_000e6);
            vm.prank(buyers[i]);
            busd.approve(address(market), type(uint256).max);
        }
        address[4] memory payers = [provider, provider2, provider3, stranger];
        for (uint256 i = 0; i < payers.length; ++i) {
            busd.mint(payers[i], 10_000_000e6);
            vm.prank(payers[i]);
            busd.approve(address(market), type(uint256).max);
        }
        // Bonds in every token each provider sells in: a lease's penalty is reserved from (and paid out of) the
        // bond in its own token, at least 10% of its deposit.
        vm.startPrank(provider);
        market.depositBond(address(usd), 20_000e6);
        market.depositBond(address(grid), 10_000e18);
        market.depositBond(address(busd), 5_000e6);
        vm.stopPrank();
        vm.startPrank(provider2);
        market.registerProvider("ipfs://provider/osaka");
        market.depositBond(address(grid), 2_500e18);
        market.depositBond(address(usd), 1_000e6);
        market.depositBond(address(busd), 1_000e6);
        vm.stopPrank();
        vm.startPrank(provider3);
        market.registerProvider("ipfs://provider/johor");
        market.depositBond(address(grid), 1_000e18);
        vm.stopPrank();

        // Eight offers in the three tokens. Odd prices make every division round; offer 3 is so cheap that short
        // leases would cost nothing (and must be refused); offer 4 needs more bond than one penalty leaves behind;
        // offer 5 asks for no bond, so it has no penalty; offers 7 and 8 are paid in the blocklisting token.
        _offer(provider, address(usd), 8, 16, H100_PRICE, 1 hours, 30 days, MIN_BOND);
        _offer(provider, address(grid), 8, 6, 2.5e18 + 7, 1 hours, 7 days, MIN_BOND);
        _offer(provider, address(usd), 1, 4, 7, 1 minutes, 2 days, MIN_BOND);
        _offer(provider2, address(grid), 4, 3, 333_333_333_333_333_333, 10 minutes, 1 days, 2_000e18);
        _offer(provider2, address(usd), 2, 2, 1_000_001, 1, 12 hours, 0);
        _offer(provider3, address(grid), 1, 2, 1e15 + 1, 1 hours, 3 days, 100e18);
        _offer(provider, address(busd), 4, 8, 2_100_003, 30 minutes, 5 days, MIN_BOND);
        _offer(provider2, address(busd), 2, 6, 999_999, 10 minutes, 2 days, 0);

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

        // Every run starts from the same seven leases, one per offer: five active, two pending, so that ends,
        // outages and claims have something to act on from the first call.
        for (uint256 i = 0; i < 7; ++i) {
            if (i < 4 || i == 6) handler.openAndActivate(i, i, 2, 2 hours, 1);
            else handler.openLease(i, i, 1, 2 hours, 1);
        }
        assertEq(store.leaseCount(), 7, "setUp: seven leases");

        targetContract(address(handler));
        actions.push(MarketHandler.openLease.selector);
        actions.push(MarketHandler.openAndActivate.selector);
        actions.push(MarketHandler.activate.selector);
        actions.push(MarketHandler.extend.selector);
        actions.push(MarketHandler.terminateByBuyer.selector);
        actions.push(MarketHandler.terminateByProvider.selector);
        actions.push(MarketHandler.cancel.selector);
        actions.push(MarketHandler.close.selector);
        actions.push(MarketHandler.claim.selector);
        actions.push(MarketHandler.setOfferPrice.selector);
        actions.push(MarketHandler.setOfferUnits.selector);
        actions.push(MarketHandler.setOfferPaused.selector);
        actions.push(MarketHandler.setMarketPaused.selector);
        actions.push(MarketHandler.setProtocolFee.selector);
        actions.push(MarketHandler.depositBond.selector);
        actions.push(MarketHandler.withdrawBond.selector);
        actions.push(MarketHandler.withdrawFees.selector);
        actions.push(MarketHandler.warp.selector);
        actions.push(MarketHandler.createOffer.selector);
        actions.push(MarketHandler.strangerMeddles.selector);
        actions.push(MarketHandler.setTokenAllowed.selector);
        actions.push(MarketHandler.reportOutage.selector);
        actions.push(MarketHandler.reportOutage.selector); // twice: most leases should see an outage
        actions.push(MarketHandler.resolveOutage.selector);
        actions.push(MarketHandler.endUnresolvedOutage.selector);
        actions.push(MarketHandler.setBlocked.selector);
        actions.push(MarketHandler.terminateByBuyer.selector); // twice: ends are where credits arise
        actions.push(MarketHandler.withdrawCredit.selector);
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
        targetSender(address(0xF022));
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Rule 1. For each token, the market's balance is exactly what it owes: the escrow of every lease
    /// (claimable earnings included), the unwithdrawn fees and the bonds in that token. The same balance also
    /// equals every measured payment in minus every measured payment out.
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_Conservation() public view {
        address[3] memory tokens = [address(usd), address(grid), address(busd)];
        for (uint256 t = 0; t < 3; ++t) {
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
            address[] memory ps = handler.providers();
            for (uint256 i = 0; i < ps.length; ++i) {
                uint256 bond = market.bondOf(ps[i], token).amount;
                assertEq(bond, store.ghostBond(ps[i], token), "bond == bonds in - bonds out - penalties");
                bonds += bond;
            }
            uint256 credits = _credits(token);
            uint256 balance = IERC20(token).balanceOf(address(market));
            uint256 fees = market.protocolFees(token);
            assertEq(balance, escrow + fees + bonds + credits, "balance == escrow + fees + bonds + credits");

            MarketStore.TokenFlows memory f = store.flows(token);
            assertEq(
                balance +
                    f.refunded +
                    f.claimedNet +
                    f.feesWithdrawn +
                    f.bondOut +
                    f.penalties +
                    f.creditWithdrawn,
                f.deposited + f.bondIn,
                "balance == measured in - measured out"
            );
            assertEq(fees, f.feesCharged - f.feesWithdrawn, "fees == charged - withdrawn");
            assertEq(credits, f.credited - f.creditWithdrawn, "credits == credited - withdrawn");
            assertEq(escrow, ghostEscrow, "escrow == deposits - refunds - releases");
        }
    }

    /// @notice Billed unit-seconds = active unit-seconds - down unit-seconds, for every activated lease: the
    /// market's down unit-seconds, end and accrual equal the ghost model's, which counts each server's seconds of
    /// service from activation to now (or the end, moved by resolved downtime) and each report's down servers
    /// from their report to their resolution (or now, or the end).
    /// hardhat-config: invariant.runs = 256
    /// hardhat-config: invariant.depth = 50
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_BilledUnitSeconds() public view {
        uint256 count = store.leaseCount();
        uint256 now_ = vm.getBlockTimestamp();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            if (r.activatedAt == 0) continue;
            LeaseView memory v = market.getLease(id);
            uint256 t = r.ended ? r.endedAt : now_;
            (uint256 billed, uint256 down, uint256 until) = handler.billedAt(id, t);
            uint256 active = r.units * (until - r.activatedAt);
            assertEq(billed, active - down, "billed == active - down unit-seconds");
            assertEq(
                v.downUnitSeconds,
                store.outage(id).reports == 0 ? 0 : down,
                "down unit-seconds == model"
            );
            assertEq(
                v.accrued,
                _cost(r.price, r.gpus / r.units, billed),
                "accrued == cost of billed unit-seconds"
            );
            if (r.ended) assertEq(billed, r.billedUnitSeconds, "billed at the end == booked at the end");
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
                _assertFloor(
                    accrued,
                    r.price * (r.gpus / r.units) * r.billedUnitSeconds,
                    3600,
                    "accrual within 1 unit"
                );
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
                assertEq(
                    v.end,
                    r.activatedAt + r.bookedDuration + r.outageExtension,
                    "end == start + duration bought + resolved downtime"
                );
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
        assertEq(busd.balanceOf(address(market)), 0, "drain: busd left in the market");
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            LeaseView memory v = market.getLease(id);
            assertEq(uint256(v.status), uint256(LeaseStatus.Ended), "drain: lease not ended");
            assertEq(market.escrowOf(id), 0, "drain: escrow left");
            uint256 accrued = _cost(r.price, r.gpus / r.units, r.billedUnitSeconds);
            assertEq(v.settled, accrued, "drain: not fully claimed");
            assertEq(r.claimedNet + r.fees, accrued, "drain: provider + fee != accrued");
            assertEq(r.refund + accrued, r.deposit, "drain: refund + accrued != deposit");
        }
    }

    /*//////////////////////////////////////////////////////////////
                            SHOWING ITS WORK
    //////////////////////////////////////////////////////////////*/

    /// @dev Calls the walk below makes: about 60 per action, enough for a rate to mean something.
    uint256 internal constant WALK_CALLS = 1_600;
    uint256 internal constant MIN_SUCCESS_PCT = 20;

    /// @notice The handler's actions, driven through one long deterministic walk (the campaigns' runs are too
    /// short for per-action rates), then wound down: prints every market call's calls and successes, and fails
    /// when one never succeeds or succeeds in under 20% of its calls, unless README.md says why (`stranger`: every
    /// call of it must be refused). The table in README.md is this test's output.
    function test_ActionsShowTheirWork() public {
        for (uint256 i = 0; i < WALK_CALLS; ++i) {
            // Five seeds for every action; actions read the ones they take and ignore the rest.
            uint256 seed = uint256(keccak256(abi.encode("walk", i)));
            bytes4 action = actions[seed % actions.length];
            bytes memory args = abi.encode(
                uint256(keccak256(abi.encode(seed, 1))),
                uint256(keccak256(abi.encode(seed, 2))),
                uint256(keccak256(abi.encode(seed, 3))),
                uint256(keccak256(abi.encode(seed, 4))),
                uint256(keccak256(abi.encode(seed, 5)))
            );
            (bool ok, bytes memory err) = address(handler).call(abi.encodePacked(action, args));
            if (!ok) revert HandlerIssue("the handler reverted", err, 0, 0, 0);
        }
        handler.drain();
        _assertNoHandlerIssue();

        string[] memory names = store.actionNames();
        console.log("| market call | calls | successes | success % |");
        console.log("| --- | ---: | ---: | ---: |");
        for (uint256 i = 0; i < names.length; ++i) {
            bytes32 key = keccak256(bytes(names[i]));
            uint256 calls = store.calls(key);
            uint256 ok = store.successes(key);
            console.log(
                string.concat(
                    "| ",
                    names[i],
                    " | ",
                    _str(calls),
                    " | ",
                    _str(ok),
                    " | ",
                    _str((ok * 100) / calls),
                    " |"
                )
            );
        }
        for (uint256 i = 0; i < names.length; ++i) {
            bytes32 key = keccak256(bytes(names[i]));
            if (key == keccak256("stranger")) {
                assertEq(store.successes(key), 0, "stranger: never succeeds");
                continue;
            }
            uint256 calls = store.calls(key);
            if (store.successes(key) * 100 < calls * MIN_SUCCESS_PCT) {
                revert HandlerIssue(
                    names[i],
                    "succeeds in under 20% of its calls",
                    0,
                    store.successes(key),
                    calls
                );
            }
        }
        string[13] memory required = [
            "openLease",
            "activateLease",
            "extendLease",
            "terminateLease(buyer)",
            "terminateLease(provider)",
            "cancelLease",
            "closeLease",
            "claim",
            "reportOutage",
            "resolveOutage",
            "endUnresolvedOutage",
            "withdrawCredit",
            "withdrawBond"
        ];
        for (uint256 i = 0; i < required.length; ++i) {
            assertGt(store.successes(keccak256(bytes(required[i]))), 0, required[i]);
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

    function _str(uint256 v) internal pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory b = new bytes(78);
        uint256 n;
        for (; v != 0; v /= 10) b[77 - n++] = bytes1(uint8(48 + (v % 10)));
        bytes memory out = new bytes(n);
        for (uint256 i = 0; i < n; ++i) out[i] = b[78 - n + i];
        return string(out);
    }

    /// @dev Every buyer's credit in `token` (only buyers receive payouts that can be credited).
    function _credits(address token) internal view returns (uint256 total) {
        address[4] memory buyers = [buyer, buyer2, buyer3, buyer4];
        for (uint256 i = 0; i < buyers.length; ++i) total += market.credits(token, buyers[i]);
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
