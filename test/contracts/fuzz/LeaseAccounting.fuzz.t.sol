// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BaseTest} from "../utils/BaseTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";
import {EndReason, LeaseStatus, LeaseView, OfferParams} from "../../../contracts/types/DataTypes.sol";

/// @notice Fuzz tests of the lease arithmetic end to end, through the market and real token transfers, across
/// prices, units, GPUs per unit, durations, elapsed times, fees and both payment tokens (6-decimal TestUSD and
/// 18-decimal GRID, which is also the bond token).
/// @dev Every expected amount is restated here from the rules (contracts/README.md), never read from the market:
/// cost(seconds) = floor(price * gpusPerUnit * units * seconds / 3600), fee = floor(gross * feeBps / 10_000) on
/// cumulative amounts, penalty = max(offer.minProviderBond * PENALTY_BPS / 10_000, deposit * STAKE_PENALTY_BPS /
/// 10_000), reserved at open out of the provider's bond in the lease's token and paid in that token.
/// Times are read with `vm.getBlockTimestamp()`, never `block.timestamp`: via-IR may re-read TIMESTAMP after a
/// later `vm.warp` in the same function, so a saved `block.timestamp` can silently move.
contract LeaseAccountingFuzzTest is BaseTest {
    /// @dev The most a single fuzzed deposit may cost, per token: TestUSD is minted on demand up to the market's
    /// deposit cap; GRID has a fixed supply, of which this contract holds most.
    uint256 internal constant USD_BUDGET = type(uint104).max;
    uint256 internal constant GRID_BUDGET = 50_000_000e18;
    /// @dev The share of its escrowed deposit a lease reserves as its penalty when that is above the offer's floor.
    uint256 internal constant STAKE_PENALTY_BPS = 1_000;

    struct Terms {
        address token;
        uint256 gpusPerUnit;
        uint256 units;
        uint256 gpus;
        uint256 price;
        uint256 duration;
    }

    /*//////////////////////////////////////////////////////////////
                           DEPOSIT AND ACCRUAL
    //////////////////////////////////////////////////////////////*/

    /// @notice Opening a lease pulls exactly floor(price * gpus * duration / 3600) from the buyer into the
    /// market, which is the exact rational cost rounded down by less than one base unit.
    function testFuzz_DepositPulledExactly(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed
    ) public {
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, durationSeed, priceSeed, 1);
        uint256 offerId = _offerFor(t);
        uint256 expected = _cost(t.price, t.gpus, t.duration);
        _fund(buyer, t.token, expected);

        uint256 buyerBefore = _bal(t.token, buyer);
        uint256 marketBefore = _bal(t.token, address(market));
        uint256 id = _open(buyer, offerId, t.units, t.duration);

        assertEq(buyerBefore - _bal(t.token, buyer), expected, "pulled from the buyer");
        assertEq(_bal(t.token, address(market)) - marketBefore, expected, "received by the market");
        assertEq(market.getLease(id).deposit, expected, "deposit in the view");
        assertEq(market.escrowOf(id), expected, "escrow");
        _assertFloor(expected, t.price * t.gpus * t.duration, 3600, "deposit within 1 unit of exact");
    }

    /// @notice At any time t after activation the accrual is floor(price * gpus * min(t - start, duration) / 3600),
    /// all of it claimable; it never decreases, and from the end on it equals the deposit.
    function testFuzz_AccruedAtAnyTime(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed,
        uint256 firstSeed,
        uint256 secondSeed
    ) public {
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, durationSeed, priceSeed, 1);
        uint256 id = _openFunded(buyer, _offerFor(t), t);
        uint256 start = vm.getBlockTimestamp();
        _activate(id);

        uint256 first = bound(firstSeed, 0, 2 * t.duration);
        uint256 second = bound(secondSeed, first, 2 * t.duration);

        vm.warp(start + first);
        LeaseView memory v = market.getLease(id);
        uint256 expectedFirst = _cost(t.price, t.gpus, _min(first, t.duration));
        assertEq(v.accrued, expectedFirst, "accrued at the first time");
        assertEq(v.claimable, expectedFirst, "claimable = accrued before any claim");
        assertEq(
            uint256(v.status),
            uint256(first < t.duration ? LeaseStatus.Active : LeaseStatus.Expired),
            "status"
        );

        vm.warp(start + second);
        uint256 accruedSecond = market.getLease(id).accrued;
        assertEq(
            accruedSecond,
            _cost(t.price, t.gpus, _min(second, t.duration)),
            "accrued at the second time"
        );
        assertGe(accruedSecond, expectedFirst, "accrual never decreases");
        assertLe(accruedSecond, _cost(t.price, t.gpus, t.duration), "accrual never exceeds the deposit");
        if (second >= t.duration) {
            assertEq(accruedSecond, _cost(t.price, t.gpus, t.duration), "at the end, accrual == deposit");
        }
    }

    /*//////////////////////////////////////////////////////////////
                              EARLY ENDS
    //////////////////////////////////////////////////////////////*/

    /// @notice A buyer ending an active lease at t gets exactly deposit - accrued(t) back; the provider then
    /// claims exactly accrued(t) - fee, the fee is floor(accrued * bps / 10_000), and the market keeps nothing.
    function testFuzz_BuyerTerminateRefundsUnusedExactly(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed,
        uint256 elapsedSeed,
        uint256 feeSeed
    ) public {
        uint256 feeBps = _setFee(feeSeed);
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, durationSeed, priceSeed, 1);
        uint256 offerId = _offerFor(t);
        uint256 marketStart = _bal(t.token, address(market));
        uint256 id = _openFunded(buyer, offerId, t);
        uint256 deposit = _cost(t.price, t.gpus, t.duration);
        _activate(id);
        uint256 elapsed = bound(elapsedSeed, 0, t.duration - 1);
        vm.warp(vm.getBlockTimestamp() + elapsed);
        uint256 accrued = _cost(t.price, t.gpus, elapsed);

        uint256 buyerBefore = _bal(t.token, buyer);
        uint256 buyerGridBefore = _bal(address(grid), buyer);
        uint256 bondBefore = _bondOf(provider, address(usd));
        vm.prank(buyer);
        market.terminateLease(id);

        assertEq(_bal(t.token, buyer) - buyerBefore, deposit - accrued, "refund == deposit - accrued");
        if (!inGrid) assertEq(_bal(address(grid), buyer), buyerGridBefore, "no penalty when the buyer ends");
        assertEq(_bondOf(provider, address(usd)), bondBefore, "bond untouched");
        LeaseView memory v = market.getLease(id);
        assertEq(uint256(v.endReason), uint256(EndReason.BuyerTerminated), "reason");
        assertEq(v.duration, elapsed, "billed duration cut to the time used");
        assertEq(v.accrued, accrued, "accrual frozen at the end");
        assertEq(market.escrowOf(id), accrued, "escrow left == accrued");

        vm.warp(vm.getBlockTimestamp() + 30 days); // nothing accrues after the end
        (uint256 net, uint256 fee) = _claimAll(id, t.token, accrued != 0);
        assertEq(fee, (accrued * feeBps) / 10_000, "fee on the accrual");
        assertEq(net + fee, accrued, "provider + fee == accrued");
        assertEq(market.escrowOf(id), 0, "nothing left in escrow");
        assertEq(_bal(t.token, address(market)), marketStart + fee, "market keeps only the fee");
    }

    /// @notice A provider ending a pending or active lease at t refunds exactly deposit - accrued(t) and pays
    /// the buyer the penalty the lease reserved, max(minProviderBond * PENALTY_BPS / 10_000, 10% of the deposit),
    /// in the lease's token out of its bond in that token.
    function testFuzz_ProviderTerminateRefundsAndPaysPenalty(
        bool inGrid,
        bool whilePending,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed,
        uint256 elapsedSeed
    ) public {
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, durationSeed, priceSeed, 1);
        uint256 id = _openFunded(buyer, _offerFor(t), t);
        uint256 deposit = _cost(t.price, t.gpus, t.duration);
        uint256 elapsed;
        if (whilePending) {
            vm.warp(vm.getBlockTimestamp() + bound(elapsedSeed, 0, 2 * WINDOW));
        } else {
            _activate(id);
            elapsed = bound(elapsedSeed, 0, t.duration - 1);
            vm.warp(vm.getBlockTimestamp() + elapsed);
        }
        uint256 accrued = _cost(t.price, t.gpus, elapsed);
        uint256 bondBefore = _bondOf(provider, t.token);
        uint256 penalty = _penalty((MIN_BOND * PENALTY_BPS) / 10_000, deposit);
        assertEq(_lockedOf(provider, t.token), penalty, "the lease reserved its penalty");

        address other = inGrid ? address(usd) : address(grid);
        uint256 buyerBefore = _bal(t.token, buyer);
        uint256 buyerOtherBefore = _bal(other, buyer);
        vm.prank(provider);
        market.terminateLease(id);

        assertEq(
            _bal(t.token, buyer) - buyerBefore,
            deposit - accrued + penalty,
            "refund + penalty in its token"
        );
        assertEq(_bal(other, buyer), buyerOtherBefore, "nothing in the other token");
        assertEq(
            _bondOf(provider, t.token),
            bondBefore - penalty,
            "penalty taken from the bond in its token"
        );
        assertEq(_lockedOf(provider, t.token), 0, "nothing reserved any more");
        assertEq(market.escrowOf(id), accrued, "escrow left == accrued");
        LeaseView memory v = market.getLease(id);
        assertEq(uint256(v.endReason), uint256(EndReason.ProviderTerminated), "reason");
        assertEq(v.accrued, accrued, "accrued");
    }

    /// @notice A lease the provider never activates: after the window the buyer cancels and gets the whole
    /// deposit back plus the penalty, which each lease reserved out of the bond when it opened; the provider has
    /// nothing to claim. Across penalty rates, bonds and minimum bonds.
    function testFuzz_NoShowCancelRefundsDepositPlusPenalty(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed,
        uint256 penaltyBpsSeed,
        uint256 minBondSeed,
        uint256 leasesSeed,
        uint256 lateSeed
    ) public {
        uint256 penaltyBps = bound(penaltyBpsSeed, 0, 10_000);
        IMarketUnderTest m = _deployMarket(owner, treasury, grid, FEE_BPS, WINDOW, penaltyBps);
        vm.startPrank(owner);
        m.setPaymentToken(address(usd), true);
        m.setPaymentToken(address(grid), true);
        vm.stopPrank();
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, durationSeed, priceSeed, 4);
        uint256 deposit = _cost(t.price, t.gpus, t.duration);
        // The provider posts, in the offer's token, the offer's minimum plus exactly the penalties its leases will
        // reserve: each the floor or 10% of its deposit, whichever is more.
        uint256 minBond = bound(minBondSeed, 1, 100_000e18);
        uint256 count = bound(leasesSeed, 1, 4);
        uint256 reserve = _penalty((minBond * penaltyBps) / 10_000, deposit);
        _fund(provider2, t.token, minBond + count * reserve);
        vm.startPrank(provider2);
        IERC20(t.token).approve(address(m), type(uint256).max);
        m.registerProvider("ipfs://provider/no-show");
        m.depositBond(t.token, minBond + count * reserve);
        vm.stopPrank();

        OfferParams memory p = _paramsFor(t);
        p.totalUnits = t.units * count;
        p.minProviderBond = minBond;
        vm.prank(provider2);
        uint256 offerId = m.createOffer(p);

        uint256[] memory ids = new uint256[](count);
        vm.startPrank(buyer);
        usd.approve(address(m), type(uint256).max);
        grid.approve(address(m), type(uint256).max);
        vm.stopPrank();
        for (uint256 i = 0; i < count; ++i) {
            _fund(buyer, t.token, deposit);
            vm.prank(buyer);
            ids[i] = m.openLease(offerId, t.units, t.duration, t.price, PUBKEY);
        }

        vm.warp(vm.getBlockTimestamp() + WINDOW + 1 + bound(lateSeed, 0, 30 days));
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowMissed.selector, ids[0], START_TIME + WINDOW)
        );
        vm.prank(provider2);
        m.activateLease(ids[0], _access());

        uint256 bond = minBond + count * reserve;
        assertEq(m.bondOf(provider2, t.token).locked, count * reserve, "one penalty reserved per lease");
        for (uint256 i = 0; i < count; ++i) {
            _cancelAndCheckRefund(m, ids[i], t.token, deposit, reserve);
            bond -= reserve;
            assertEq(m.bondOf(provider2, t.token).amount, bond, "bond after the penalty");
            assertEq(m.escrowOf(ids[i]), 0, "no escrow left");
            assertEq(uint256(m.getLease(ids[i]).endReason), uint256(EndReason.NoShowCancelled), "reason");
        }
        assertEq(m.bondOf(provider2, t.token).locked, 0, "nothing reserved any more");
        assertEq(_bal(t.token, address(m)), bond, "only the rest of the bond left in the lease's token");
        assertEq(_bal(inGrid ? address(usd) : address(grid), address(m)), 0, "nothing in the other token");
        vm.expectRevert(Errors.Market_NothingToClaim.selector);
        vm.prank(provider2);
        m.claim(ids);
    }

    /// @dev The buyer cancels a lease its provider never activated: it gets the whole deposit and the penalty
    /// back, both in the lease's token.
    function _cancelAndCheckRefund(
        IMarketUnderTest m,
        uint256 leaseId,
        address token,
        uint256 deposit,
        uint256 penalty
    ) internal {
        address other = token == address(grid) ? address(usd) : address(grid);
        uint256 buyerBefore = _bal(token, buyer);
        uint256 buyerOtherBefore = _bal(other, buyer);
        vm.prank(buyer);
        m.cancelLease(leaseId);
        assertEq(
            _bal(token, buyer) - buyerBefore,
            deposit + penalty,
            "deposit + penalty in the lease's token"
        );
        assertEq(_bal(other, buyer), buyerOtherBefore, "nothing in the other token");
    }

    /*//////////////////////////////////////////////////////////////
                                 CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @notice Fees are charged on cumulative totals, so any number of partial claims at random times pays the
    /// provider and the protocol exactly what one claim at the end pays: two identical leases, one claimed up
    /// to eight times along the way, one claimed once, must come out the same to the base unit, whether the
    /// buyer ends them early or they run to expiry and are closed.
    function testFuzz_PartialClaimsEqualOneClaim(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed,
        uint256 feeSeed,
        uint256 endSeed,
        uint256[8] calldata claimSeeds
    ) public {
        uint256 feeBps = _setFee(feeSeed);
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, durationSeed, priceSeed, 2);
        OfferParams memory p = _paramsFor(t);
        p.totalUnits = 2 * t.units;
        uint256 offerId = _createOffer(p);
        _bondIn(t.token);
        uint256 many = _openFunded(buyer, offerId, t);
        uint256 once = _openFunded(buyer2, offerId, t);
        uint256 start = vm.getBlockTimestamp();
        _activate(many);
        _activate(once);

        // The end: the buyers terminate both at `end` (< duration), or both run out and are closed.
        uint256 end = bound(endSeed, 1, 2 * t.duration);
        uint256 manyNet;
        uint256 manyFees;
        uint256 last = start;
        for (uint256 i = 0; i < claimSeeds.length; ++i) {
            uint256 at = bound(claimSeeds[i], last, start + end);
            vm.warp(at);
            last = at;
            if (market.getLease(many).claimable == 0) continue;
            (uint256 net, uint256 fee) = _claimAll(many, t.token, true);
            manyNet += net;
            manyFees += fee;
        }
        vm.warp(start + end);
        if (end < t.duration) {
            vm.prank(buyer);
            market.terminateLease(many);
            vm.prank(buyer2);
            market.terminateLease(once);
        } else {
            market.closeLease(many);
            market.closeLease(once);
        }
        uint256 accrued = _cost(t.price, t.gpus, _min(end, t.duration));
        (uint256 lastNet, uint256 lastFee) = _claimAll(many, t.token, market.getLease(many).claimable != 0);
        manyNet += lastNet;
        manyFees += lastFee;
        (uint256 onceNet, uint256 onceFee) = _claimAll(once, t.token, accrued != 0);

        assertEq(manyNet, onceNet, "provider: many claims == one claim");
        assertEq(manyFees, onceFee, "fees: many claims == one claim");
        assertEq(onceFee, (accrued * feeBps) / 10_000, "fee == floor(accrued * bps / 10_000)");
        assertEq(manyNet + manyFees, accrued, "provider + fee == accrued");
        assertEq(market.escrowOf(many), 0, "escrow of the many-claims lease");
        assertEq(market.escrowOf(once), 0, "escrow of the one-claim lease");
    }

    /*//////////////////////////////////////////////////////////////
                                ROUNDING
    //////////////////////////////////////////////////////////////*/

    /// @notice Against the exact rational price, the buyer pays at most the exact cost and less than one base unit
    /// below it; the provider's share is within one base unit of its exact share; the fee is exact on the
    /// accrued amount to within one unit (it is floored on the floored accrual, so against the fully rational
    /// fee the treasury may be short by up to 1 + bps/10_000 units, never over).
    function testFuzz_RoundingWithinOneUnitPerLease(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed,
        uint256 elapsedSeed,
        uint256 feeSeed
    ) public {
        uint256 feeBps = _setFee(feeSeed);
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, durationSeed, priceSeed, 1);
        uint256 id = _openFunded(buyer, _offerFor(t), t);
        uint256 deposit = _cost(t.price, t.gpus, t.duration);
        _activate(id);
        uint256 used = bound(elapsedSeed, 0, t.duration - 1);
        vm.warp(vm.getBlockTimestamp() + used);
        uint256 buyerBefore = _bal(t.token, buyer);
        vm.prank(buyer);
        market.terminateLease(id);
        uint256 paidByBuyer = deposit - (_bal(t.token, buyer) - buyerBefore);
        (uint256 net, uint256 fee) = _claimAll(id, t.token, paidByBuyer != 0);

        uint256 exact = t.price * t.gpus * used; // the exact cost, times 3600
        _assertFloor(paidByBuyer, exact, 3600, "buyer pays the exact cost rounded down by < 1 unit");
        assertEq(net + fee, paidByBuyer, "everything the buyer paid went to the provider and the fee");
        _assertFloor(fee, paidByBuyer * feeBps, 10_000, "fee within 1 unit of exact on the accrual");
        // Provider: |net * 3600 * 10_000 - exact * (10_000 - bps)| < 3600 * 10_000.
        uint256 netScaled = net * 3600 * 10_000;
        uint256 exactNetScaled = exact * (10_000 - feeBps);
        uint256 gap = netScaled > exactNetScaled ? netScaled - exactNetScaled : exactNetScaled - netScaled;
        assertLt(gap, 3600 * 10_000, "provider within 1 unit of its exact share");
        // Treasury against the fully rational fee: never more, short by less than 1 + bps/10_000 units.
        uint256 feeScaled = fee * 3600 * 10_000;
        assertLe(feeScaled, exact * feeBps, "fee never above the rational fee");
        assertLt(exact * feeBps - feeScaled, 3600 * (10_000 + feeBps), "fee short by < 1 + bps/1e4 units");
    }

    /// @notice The case behind the last bound: an accrual of 1001.9997 units at 9.99% floors to 1001, whose fee
    /// floors 99.9999 to 99, while the rational fee is 100.0987: 1.0987 units short, all of it to the provider.
    function test_FeeIsFlooredOnTheFlooredAccrual() public {
        vm.prank(owner);
        market.setProtocolFee(999);
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.pricePerGpuHour = 1001 * 3600 + 3599;
        p.minDuration = 1;
        uint256 id = _open(buyer, _createOffer(p), 1, 1 hours);
        _activate(id);
        vm.warp(vm.getBlockTimestamp() + 1);
        vm.prank(buyer);
        market.terminateLease(id);
        (uint256 net, uint256 fee) = _claimAll(id, address(usd), true);
        assertEq(net + fee, 1001, "accrual floored");
        assertEq(fee, 99, "fee floored on the floored accrual");
        assertEq(net, 902, "provider");
    }

    /*//////////////////////////////////////////////////////////////
                               EXTENSIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Extensions top the deposit up by cost(new duration) - cost(old duration), paid by whoever extends,
    /// so that however many top-ups made it, the total deposit is floor(price * gpus * total duration / 3600):
    /// the floors never add up. Some extensions land while pending, some while active; ending the lease then
    /// refunds the buyer total deposit - accrued.
    function testFuzz_ExtensionTopUpsSumToTotalDeposit(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 priceSeed,
        uint256 activateAfter,
        uint256 elapsedSeed,
        uint256[6] calldata addSeeds
    ) public {
        // Durations first: the opening one and five extensions, each at most a sixth of the longest lease. The
        // price then keeps the opening deposit above zero and the final one within budget.
        uint256 cap = market.MAX_LEASE_DURATION() / addSeeds.length;
        uint256[] memory parts = new uint256[](addSeeds.length);
        uint256 total;
        for (uint256 i = 0; i < addSeeds.length; ++i) {
            parts[i] = bound(addSeeds[i], 1, cap);
            total += parts[i];
        }
        Terms memory t = _terms(inGrid, gpusSeed, unitsSeed, parts[0], priceSeed, 1);
        t.price = _price(inGrid, priceSeed, t.gpus, parts[0], total, 1);
        uint256 id = _openFunded(buyer, _offerFor(t), t);
        uint256 paid = _cost(t.price, t.gpus, t.duration);
        uint256 booked = t.duration;
        address[4] memory payers = [buyer, buyer2, provider, stranger];
        vm.startPrank(stranger);
        usd.approve(address(market), type(uint256).max);
        grid.approve(address(market), type(uint256).max);
        vm.stopPrank();
        activateAfter = bound(activateAfter, 1, addSeeds.length);

        for (uint256 i = 1; i < addSeeds.length; ++i) {
            if (i == activateAfter) _activate(id);
            address payer = payers[addSeeds[i] % payers.length];
            uint256 topUp = _cost(t.price, t.gpus, booked + parts[i]) - _cost(t.price, t.gpus, booked);
            _fund(payer, t.token, topUp);
            uint256 before = _bal(t.token, payer);
            vm.prank(payer);
            market.extendLease(id, parts[i]);
            assertEq(before - _bal(t.token, payer), topUp, "top-up == cost(new) - cost(old)");
            paid += topUp;
            booked += parts[i];
        }
        if (activateAfter == addSeeds.length) _activate(id);
        assertEq(booked, total, "every extension booked");

        uint256 deposit = _cost(t.price, t.gpus, total);
        assertEq(paid, deposit, "all payments == floor(price * gpus * total / 3600)");
        _assertFloor(paid, t.price * t.gpus * total, 3600, "total within 1 unit of exact");
        LeaseView memory v = market.getLease(id);
        assertEq(v.deposit, deposit, "deposit in the view");
        assertEq(v.duration, total, "duration");
        assertEq(v.end, v.start + total, "end moved by every extension");
        assertEq(market.escrowOf(id), deposit, "escrow");

        uint256 used = bound(elapsedSeed, 0, total - 1);
        vm.warp(v.start + used);
        uint256 buyerBefore = _bal(t.token, buyer);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(
            _bal(t.token, buyer) - buyerBefore,
            deposit - _cost(t.price, t.gpus, used),
            "refund of the extended lease"
        );
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Lease terms across the whole valid range. The price is bounded so that the deposit is at least one
    /// base unit (else the market refuses the lease) and at most the token's budget split over `shares` leases.
    function _terms(
        bool inGrid,
        uint256 gpusSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed,
        uint256 leases
    ) internal view returns (Terms memory t) {
        t.token = inGrid ? address(grid) : address(usd);
        t.gpusPerUnit = bound(gpusSeed, 1, market.MAX_GPUS_PER_UNIT());
        // `leases` leases of these terms must fit in one offer together.
        t.units = bound(unitsSeed, 1, market.MAX_UNITS() / leases);
        t.gpus = t.gpusPerUnit * t.units;
        t.duration = bound(durationSeed, 1, market.MAX_LEASE_DURATION());
        t.price = _price(inGrid, priceSeed, t.gpus, t.duration, t.duration, leases);
    }

    /// @dev A price at which a lease of `gpus` GPUs costs at least one base unit for `minSeconds` (else the market
    /// refuses it) and, for `maxSeconds`, at most the token's budget shared by `leases` leases.
    function _price(
        bool inGrid,
        uint256 priceSeed,
        uint256 gpus,
        uint256 minSeconds,
        uint256 maxSeconds,
        uint256 leases
    ) internal pure returns (uint256) {
        uint256 budget = (inGrid ? GRID_BUDGET : USD_BUDGET) / leases;
        uint256 minPrice = (3600 + gpus * minSeconds - 1) / (gpus * minSeconds);
        uint256 maxPrice = _min(type(uint96).max, (budget * 3600) / (gpus * maxSeconds));
        return bound(priceSeed, minPrice, maxPrice);
    }

    function _paramsFor(Terms memory t) internal view returns (OfferParams memory p) {
        p = _h100Params();
        p.paymentToken = t.token;
        p.gpusPerUnit = t.gpusPerUnit;
        p.totalUnits = t.units;
        p.pricePerGpuHour = t.price;
        p.minDuration = 1;
        p.maxDuration = market.MAX_LEASE_DURATION();
    }

    /// @dev Lists the offer and bonds its provider in the offer's token (issue #12: a lease's penalty comes from the
    /// bond in its token and is 10% of the deposit when that is above the floor): a fifth of the token's budget covers
    /// the stake penalties of every lease a test opens.
    function _offerFor(Terms memory t) internal returns (uint256 offerId) {
        offerId = _createOffer(_paramsFor(t));
        _bondIn(t.token);
    }

    /// @dev The provider bonds a fifth of `token`'s budget in `token` (see `_offerFor`).
    function _bondIn(address token) internal {
        uint256 bond = (token == address(usd) ? USD_BUDGET : GRID_BUDGET) / 5;
        _fund(provider, token, bond);
        vm.prank(provider);
        IERC20(token).approve(address(market), type(uint256).max);
        _depositBond(provider, token, bond);
    }

    /// @dev The penalty a lease with `deposit` escrowed reserves on an offer whose floor is `floor`.
    function _penalty(uint256 floor, uint256 deposit) internal pure returns (uint256) {
        uint256 stake = (deposit * STAKE_PENALTY_BPS) / 10_000;
        return stake > floor ? stake : floor;
    }

    function _openFunded(address who, uint256 offerId, Terms memory t) internal returns (uint256) {
        _fund(who, t.token, _cost(t.price, t.gpus, t.duration));
        return _open(who, offerId, t.units, t.duration);
    }

    /// @dev Gives `who` `amount` more of `token`: TestUSD is minted, GRID comes from this contract's supply.
    function _fund(address who, address token, uint256 amount) internal {
        if (token == address(usd)) usd.mint(who, amount);
        else grid.transfer(who, amount);
    }

    function _setFee(uint256 feeSeed) internal returns (uint256 feeBps) {
        feeBps = bound(feeSeed, 0, market.MAX_FEE_BPS());
        vm.prank(owner);
        market.setProtocolFee(feeBps);
    }

    /// @dev The provider claims one lease; returns what it received and the fee kept, both measured.
    function _claimAll(
        uint256 id,
        address token,
        bool expectSomething
    ) internal returns (uint256 net, uint256 fee) {
        uint256 before = _bal(token, provider);
        uint256 feesBefore = market.protocolFees(token);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        if (!expectSomething) vm.expectRevert(Errors.Market_NothingToClaim.selector);
        vm.prank(provider);
        market.claim(ids);
        net = _bal(token, provider) - before;
        fee = market.protocolFees(token) - feesBefore;
    }

    /// @dev `amount` is floor(scaled / divisor): amount * divisor <= scaled < (amount + 1) * divisor.
    function _assertFloor(uint256 amount, uint256 scaled, uint256 divisor, string memory what) internal pure {
        assertLe(amount * divisor, scaled, what);
        assertLt(scaled - amount * divisor, divisor, what);
    }

    function _bal(address token, address who) internal view returns (uint256) {
        return token == address(usd) ? usd.balanceOf(who) : grid.balanceOf(who);
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
