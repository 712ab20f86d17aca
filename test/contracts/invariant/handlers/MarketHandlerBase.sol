// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {Vm} from "../../utils/Vm.sol";
import {Assertions} from "../../utils/Assertions.sol";
import {MarketStore} from "./MarketStore.sol";
import {IMarketUnderTest} from "../../utils/IMarketUnderTest.sol";
import {Errors} from "../../../../contracts/libraries/Errors.sol";
import {
    EndReason,
    LeaseStatus,
    LeaseView,
    Offer,
    OfferParams
} from "../../../../contracts/types/DataTypes.sol";

/// @notice The invariant handler's state, its instrumented calls to the market and its ghost model; the fuzzed
/// actions that drive them are in {MarketHandler}.
/// @dev Every instrumented call predicts from the ghost model in {MarketStore} whether the market must accept it,
/// makes it in a try/catch (the handler itself never reverts), counts any disagreement and any amount that
/// differs from the lease formula in the store, and books every payment it measured.
abstract contract MarketHandlerBase is Assertions {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    bytes32 internal constant PUBKEY = keccak256("invariant buyer key");
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_UNITS_PER_LEASE = 4; // keeps deposits within the buyers' funds
    uint256 internal constant MAX_EXTRA_DURATION = 3 days; // above the offer's minimum, so leases do end
    uint256 internal constant MAX_EXTENSION = 1 days;
    uint256 internal constant MAX_WARP = 1 days;
    uint256 internal constant MAX_OFFERS = 12; // the test lists six; the handler may add six more

    IMarketUnderTest public immutable market;
    MarketStore public immutable store;
    address public immutable grid;
    address public immutable usd;
    address public immutable owner;
    address public immutable treasury;
    address public immutable stranger;
    uint256 public immutable penaltyBps;

    address[] internal _buyers;
    address[] internal _providers;
    address[] internal _payers; // who may pay for an extension: buyers, providers, a stranger
    mapping(uint256 offerId => uint256) internal _basePrice;
    // The admin state as the handler set it; the market's own flags are checked against it.
    bool internal _ghostPaused;
    uint256 internal _ghostFeeBps;
    mapping(address token => bool) internal _ghostAllowed;

    constructor(
        IMarketUnderTest market_,
        MarketStore store_,
        address owner_,
        address stranger_,
        address[] memory buyers_,
        address[] memory providers_
    ) {
        market = market_;
        store = store_;
        grid = address(market_.BOND_TOKEN());
        address[] memory tokens = market_.paymentTokens();
        usd = tokens[0] == grid ? tokens[1] : tokens[0];
        owner = owner_;
        treasury = market_.treasury();
        stranger = stranger_;
        penaltyBps = market_.PENALTY_BPS();
        _buyers = buyers_;
        _providers = providers_;
        for (uint256 i = 0; i < buyers_.length; ++i) _payers.push(buyers_[i]);
        for (uint256 i = 0; i < providers_.length; ++i) _payers.push(providers_[i]);
        _payers.push(stranger_);
    }

    /// @notice Books the bonds posted before the handler existed and remembers every offer's opening price, so
    /// that price changes stay near it. Called once by the test's setUp; not a fuzzed action.
    function init() external {
        for (uint256 i = 0; i < _providers.length; ++i) {
            uint256 bond = market.getProvider(_providers[i]).bond;
            if (bond != 0) store.addBondIn(grid, _providers[i], bond);
        }
        uint256 offers = market.offerCount();
        for (uint256 id = 1; id <= offers; ++id) _basePrice[id] = market.getOffer(id).pricePerGpuHour;
        _ghostPaused = market.paused();
        _ghostFeeBps = market.feeBps();
        _ghostAllowed[usd] = market.isPaymentToken(usd);
        _ghostAllowed[grid] = market.isPaymentToken(grid);
    }

    /*//////////////////////////////////////////////////////////////
                          INSTRUMENTED CALLS
    //////////////////////////////////////////////////////////////*/

    function _open(
        uint256 buyerSeed,
        uint256 offerSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed
    ) internal returns (uint256 leaseId) {
        MarketStore.LeaseRecord memory r;
        r.buyer = _buyers[buyerSeed % _buyers.length];
        r.offerId = 1 + (offerSeed % market.offerCount());
        Offer memory o = market.getOffer(r.offerId);
        uint256 inUse = _modelUnitsInUse(r.offerId);
        uint256 available = o.totalUnits > inUse ? o.totalUnits - inUse : 0;
        r.units = bound(unitsSeed, 1, available == 0 ? 1 : _min(available, MAX_UNITS_PER_LEASE));
        r.bookedDuration = bound(
            durationSeed,
            o.minDuration,
            _min(o.maxDuration, uint256(o.minDuration) + MAX_EXTRA_DURATION)
        );
        r.provider = o.provider;
        r.token = o.paymentToken;
        r.gpus = uint256(o.gpusPerUnit) * r.units;
        r.price = o.pricePerGpuHour;
        r.feeBps = _ghostFeeBps;
        r.deadline = _now() + market.activationWindow();
        // One time in ten the price rose above what the buyer accepts: a front-run the lease must refuse.
        uint256 maxPrice = priceSeed % 10 == 0 ? r.price - 1 : type(uint256).max;
        uint256 deposit = _cost(r.price, r.gpus, r.bookedDuration);
        bool expectOk =
            !_ghostPaused &&
                _ghostAllowed[r.token] &&
                !o.paused &&
                r.units <= available &&
                r.price <= maxPrice &&
                store.ghostBond(r.provider) >= o.minProviderBond &&
                store.ghostBond(r.provider) - _reserved(r.provider) >= _penaltyOf(r.offerId) &&
                deposit != 0 &&
                deposit <= type(uint104).max;

        uint256 before = _bal(r.token, r.buyer);
        vm.prank(r.buyer);
        try market.openLease(r.offerId, r.units, r.bookedDuration, maxPrice, PUBKEY) returns (uint256 id) {
            _outcome("openLease", expectOk, true, "");
            leaseId = id;
            _expectEq("lease id", id, store.leaseCount() + 1);
            r.deposit = _decrease("openLease: buyer balance rose", before, _bal(r.token, r.buyer));
            _expectEq("deposit pulled", r.deposit, deposit);
            store.addLease(id, r);
            store.addDeposited(r.token, r.deposit);
            LeaseView memory v = market.getLease(id);
            _expectEq("deposit in view", v.deposit, deposit);
            _expectEq("deadline in view", v.activationDeadline, r.deadline);
        } catch (bytes memory err) {
            _outcome("openLease", expectOk, false, err);
        }
    }

    function _activate(uint256 id) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        uint256 now_ = _now();
        bool expectOk = _modelStatus(r) == LeaseStatus.Pending && now_ <= r.deadline;
        vm.prank(r.provider);
        try market.activateLease(id, hex"5ea1ed") {
            _outcome("activateLease", expectOk, true, "");
            r.activatedAt = now_;
            store.setLease(id, r);
            LeaseView memory v = market.getLease(id);
            _expectEq("start after activation", v.start, now_);
            _expectEq("end after activation", v.end, now_ + r.bookedDuration);
        } catch (bytes memory err) {
            _outcome("activateLease", expectOk, false, err);
        }
    }

    function _extend(uint256 id, address payer, uint256 added) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        LeaseStatus s = _modelStatus(r);
        uint256 newDuration = r.bookedDuration + added;
        uint256 topUp = _cost(r.price, r.gpus, newDuration) - _cost(r.price, r.gpus, r.bookedDuration);
        bool expectOk =
            (s == LeaseStatus.Pending || s == LeaseStatus.Active) &&
                newDuration <= market.getOffer(r.offerId).maxDuration &&
                _cost(r.price, r.gpus, newDuration) <= type(uint104).max;
        bool paused = _ghostPaused;
        uint256 before = _bal(r.token, payer);
        vm.prank(payer);
        try market.extendLease(id, added) {
            _outcome("extendLease", expectOk, true, "");
            uint256 paid = _decrease("extendLease: payer balance rose", before, _bal(r.token, payer));
            _expectEq("top-up pulled", paid, topUp);
            r.bookedDuration = newDuration;
            r.deposit += paid;
            r.extensions += 1;
            store.setLease(id, r);
            store.addDeposited(r.token, paid);
            if (paused && expectOk) store.recordPausedExit(false);
        } catch (bytes memory err) {
            _outcome("extendLease", expectOk, false, err);
            if (paused && expectOk) store.recordPausedExit(true);
        }
    }

    struct EndExpectation {
        uint256 used;
        uint256 refund;
        uint256 penalty;
        uint256 bondBefore;
        uint256 buyerTokenBefore;
        uint256 buyerGridBefore;
        bool paused;
    }

    function _terminate(uint256 id, bool byProvider) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        LeaseStatus s = _modelStatus(r);
        bool expectOk = s == LeaseStatus.Active || (byProvider && s == LeaseStatus.Pending);
        EndExpectation memory e = _expectEnd(
            r,
            s == LeaseStatus.Active ? _now() - r.activatedAt : 0,
            byProvider
        );
        vm.prank(byProvider ? r.provider : r.buyer);
        try market.terminateLease(id) {
            _outcome(byProvider ? "terminateLease(provider)" : "terminateLease(buyer)", expectOk, true, "");
            _bookEnd(id, r, e, byProvider ? EndReason.ProviderTerminated : EndReason.BuyerTerminated);
            if (e.paused && expectOk) store.recordPausedExit(false);
        } catch (bytes memory err) {
            _outcome(byProvider ? "terminateLease(provider)" : "terminateLease(buyer)", expectOk, false, err);
            if (e.paused && expectOk) store.recordPausedExit(true);
        }
    }

    function _cancel(uint256 id) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        bool expectOk = _modelStatus(r) == LeaseStatus.Pending && _now() > r.deadline;
        EndExpectation memory e = _expectEnd(r, 0, true);
        vm.prank(r.buyer);
        try market.cancelLease(id) {
            _outcome("cancelLease", expectOk, true, "");
            _bookEnd(id, r, e, EndReason.NoShowCancelled);
            if (e.paused && expectOk) store.recordPausedExit(false);
        } catch (bytes memory err) {
            _outcome("cancelLease", expectOk, false, err);
            if (e.paused && expectOk) store.recordPausedExit(true);
        }
    }

    function _close(uint256 id) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        bool expectOk = _modelStatus(r) == LeaseStatus.Expired;
        bool paused = _ghostPaused;
        uint256 marketBefore = _bal(r.token, address(market));
        vm.prank(stranger);
        try market.closeLease(id) {
            _outcome("closeLease", expectOk, true, "");
            _expectEq("close moves no tokens", _bal(r.token, address(market)), marketBefore);
            r.ended = true;
            r.endReason = uint8(EndReason.Expired);
            r.endedAt = r.activatedAt + r.bookedDuration;
            r.billedSeconds = r.bookedDuration;
            store.setLease(id, r);
            if (paused && expectOk) store.recordPausedExit(false);
        } catch (bytes memory err) {
            _outcome("closeLease", expectOk, false, err);
            if (paused && expectOk) store.recordPausedExit(true);
        }
    }

    struct ClaimTotals {
        uint256 usdNet;
        uint256 gridNet;
        uint256 usdFees;
        uint256 gridFees;
        uint256 usdBefore;
        uint256 gridBefore;
        uint256 usdFeesBefore;
        uint256 gridFeesBefore;
    }

    function _claim(address p, uint256[] memory ids) internal {
        bool expectOk = _anyClaimable(ids);
        bool paused = _ghostPaused;
        ClaimTotals memory t;
        t.usdBefore = _bal(usd, p);
        t.gridBefore = _bal(grid, p);
        t.usdFeesBefore = market.protocolFees(usd);
        t.gridFeesBefore = market.protocolFees(grid);
        vm.prank(p);
        try market.claim(ids) {
            _outcome("claim", expectOk, true, "");
            for (uint256 i = 0; i < ids.length; ++i) {
                MarketStore.LeaseRecord memory r = store.lease(ids[i]);
                uint256 settledAfter = market.getLease(ids[i]).settled;
                if (settledAfter < r.settled) {
                    store.recordSettledDecrease(ids[i], r.settled, settledAfter);
                    continue;
                }
                // A claim releases everything accrued so far; a pending lease has accrued nothing.
                _expectEq("settled after claim", settledAfter, _modelAccrued(r));
                uint256 fee = (settledAfter * r.feeBps) / BPS - (r.settled * r.feeBps) / BPS;
                uint256 net = settledAfter - r.settled - fee;
                r.settled = settledAfter;
                r.fees += fee;
                r.claimedNet += net;
                store.setLease(ids[i], r);
                if (r.token == usd) {
                    t.usdNet += net;
                    t.usdFees += fee;
                } else {
                    t.gridNet += net;
                    t.gridFees += fee;
                }
            }
            uint256 usdPaid = _increase("claim: provider USD fell", t.usdBefore, _bal(usd, p));
            uint256 gridPaid = _increase("claim: provider GRID fell", t.gridBefore, _bal(grid, p));
            uint256 usdFeesTaken = _increase(
                "claim: USD fees fell",
                t.usdFeesBefore,
                market.protocolFees(usd)
            );
            uint256 gridFeesTaken = _increase(
                "claim: GRID fees fell",
                t.gridFeesBefore,
                market.protocolFees(grid)
            );
            _expectEq("claim: USD paid to provider", usdPaid, t.usdNet);
            _expectEq("claim: GRID paid to provider", gridPaid, t.gridNet);
            _expectEq("claim: USD fee", usdFeesTaken, t.usdFees);
            _expectEq("claim: GRID fee", gridFeesTaken, t.gridFees);
            store.addClaimed(usd, usdPaid, usdFeesTaken);
            store.addClaimed(grid, gridPaid, gridFeesTaken);
            if (paused && expectOk) store.recordPausedExit(false);
        } catch (bytes memory err) {
            _outcome("claim", expectOk, false, err);
            if (paused && expectOk) store.recordPausedExit(true);
        }
    }

    function _withdrawBond(address p, uint256 amount) internal {
        uint256 bond = store.ghostBond(p);
        _expectEq("locked bond = penalties of live leases", market.getProvider(p).lockedBond, _reserved(p));
        bool expectOk = amount != 0 && amount <= bond - _reserved(p);
        bool paused = _ghostPaused;
        uint256 before = _bal(grid, p);
        vm.prank(p);
        try market.withdrawBond(amount) {
            _outcome("withdrawBond", expectOk, true, "");
            uint256 got = _increase("withdrawBond: provider balance fell", before, _bal(grid, p));
            _expectEq("bond withdrawn", got, amount);
            store.addBondOut(grid, p, got);
            if (paused && expectOk) store.recordPausedExit(false);
        } catch (bytes memory err) {
            _outcome("withdrawBond", expectOk, false, err);
            if (paused && expectOk) store.recordPausedExit(true);
        }
    }

    function _withdrawFees(address token) internal {
        MarketStore.TokenFlows memory f = store.flows(token);
        uint256 owed = f.feesCharged - f.feesWithdrawn;
        bool expectOk = owed != 0;
        uint256 before = _bal(token, treasury);
        vm.prank(stranger);
        try market.withdrawFees(token) returns (uint256 amount) {
            _outcome("withdrawFees", expectOk, true, "");
            uint256 got = _increase("withdrawFees: treasury balance fell", before, _bal(token, treasury));
            _expectEq("fees withdrawn", got, owed);
            _expectEq("fees withdrawn (returned)", amount, got);
            store.addFeesWithdrawn(token, got);
        } catch (bytes memory err) {
            _outcome("withdrawFees", expectOk, false, err);
        }
    }

    /// @dev What an early end must pay, and the balances to measure it against.
    function _expectEnd(
        MarketStore.LeaseRecord memory r,
        uint256 used,
        bool providerAtFault
    ) internal view returns (EndExpectation memory e) {
        e.used = used;
        e.refund = r.deposit - _cost(r.price, r.gpus, used);
        e.bondBefore = store.ghostBond(r.provider);
        if (providerAtFault) {
            // Reserved when the lease opened, so always there to pay.
            e.penalty = _penaltyOf(r.offerId);
        }
        e.buyerTokenBefore = _bal(r.token, r.buyer);
        e.buyerGridBefore = _bal(grid, r.buyer);
        e.paused = _ghostPaused;
    }

    /// @dev Measures and books an early end: refund in the payment token, penalty in GRID from the bond.
    function _bookEnd(
        uint256 id,
        MarketStore.LeaseRecord memory r,
        EndExpectation memory e,
        EndReason reason
    ) internal {
        uint256 refund;
        uint256 penalty;
        if (r.token == grid) {
            uint256 got = _increase("end: buyer GRID fell", e.buyerGridBefore, _bal(grid, r.buyer));
            _expectEq("end: refund + penalty (GRID)", got, e.refund + e.penalty);
            // The split is not observable when both are GRID; the bond tells the penalty.
            uint256 bondAfter = market.getProvider(r.provider).bond;
            penalty = e.bondBefore >= bondAfter ? e.bondBefore - bondAfter : 0;
            refund = got >= penalty ? got - penalty : 0;
        } else {
            refund = _increase("end: buyer USD fell", e.buyerTokenBefore, _bal(r.token, r.buyer));
            penalty = _increase("end: buyer GRID fell", e.buyerGridBefore, _bal(grid, r.buyer));
        }
        _expectEq("end: refund", refund, e.refund);
        _expectEq("end: penalty", penalty, e.penalty);
        r.ended = true;
        r.endReason = uint8(reason);
        r.endedAt = _now();
        r.billedSeconds = e.used;
        r.refund = refund;
        r.penalty = penalty;
        store.setLease(id, r);
        store.addRefunded(r.token, refund);
        if (penalty != 0) store.addPenalty(grid, r.provider, penalty);
    }

    /*//////////////////////////////////////////////////////////////
                               THE MODEL
    //////////////////////////////////////////////////////////////*/

    /// @notice The status the market must report for a lease, from the ghost record alone.
    function modelStatus(uint256 id) external view returns (LeaseStatus) {
        return _modelStatus(store.lease(id));
    }

    /// @notice The gross amount the lease must have accrued by now, from the ghost record alone.
    function modelAccrued(uint256 id) external view returns (uint256) {
        return _modelAccrued(store.lease(id));
    }

    /// @notice Units each offer's live leases hold (indexed by offer id), from the ghost records alone.
    function modelUnitsInUse() external view returns (uint256[] memory units) {
        units = new uint256[](market.offerCount() + 1);
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            if (!r.ended) units[r.offerId] += r.units;
        }
    }

    function providers() external view returns (address[] memory) {
        return _providers;
    }

    function _modelStatus(MarketStore.LeaseRecord memory r) internal view returns (LeaseStatus) {
        if (r.ended) return LeaseStatus.Ended;
        if (r.activatedAt == 0) return LeaseStatus.Pending;
        if (_now() >= r.activatedAt + r.bookedDuration) return LeaseStatus.Expired;
        return LeaseStatus.Active;
    }

    function _modelAccrued(MarketStore.LeaseRecord memory r) internal view returns (uint256) {
        if (r.ended) return _cost(r.price, r.gpus, r.billedSeconds);
        if (r.activatedAt == 0) return 0;
        return _cost(r.price, r.gpus, _min(_now() - r.activatedAt, r.bookedDuration));
    }

    function _modelUnitsInUse(uint256 offerId) internal view returns (uint256 units) {
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            if (r.offerId == offerId && !r.ended) units += r.units;
        }
    }

    /// @dev The bond the provider's live leases have reserved: one penalty each.
    function _reserved(address p) internal view returns (uint256 total) {
        uint256[] memory ids = store.leasesOf(p);
        for (uint256 i = 0; i < ids.length; ++i) {
            MarketStore.LeaseRecord memory r = store.lease(ids[i]);
            if (!r.ended) total += _penaltyOf(r.offerId);
        }
    }

    function _penaltyOf(uint256 offerId) internal view returns (uint256) {
        return (uint256(market.getOffer(offerId).minProviderBond) * penaltyBps) / BPS;
    }

    function _anyClaimable(uint256[] memory ids) internal view returns (bool) {
        for (uint256 i = 0; i < ids.length; ++i) {
            MarketStore.LeaseRecord memory r = store.lease(ids[i]);
            if (_modelAccrued(r) > r.settled) return true;
        }
        return false;
    }

    function _isPending(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        return _modelStatus(r) == LeaseStatus.Pending;
    }

    function _isActive(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        return _modelStatus(r) == LeaseStatus.Active;
    }

    function _isPendingOrActive(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        LeaseStatus s = _modelStatus(r);
        return s == LeaseStatus.Pending || s == LeaseStatus.Active;
    }

    function _isActivatedLive(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        LeaseStatus s = _modelStatus(r);
        return s == LeaseStatus.Active || s == LeaseStatus.Expired;
    }

    function _isLive(MarketStore.LeaseRecord memory r) internal pure returns (bool) {
        return !r.ended;
    }

    /// @dev The first lease, from a random starting point, that satisfies `fits`; 0 if none does.
    function _pick(
        uint256 seed,
        function(MarketStore.LeaseRecord memory) internal view returns (bool) fits
    ) internal view returns (uint256) {
        uint256 count = store.leaseCount();
        if (count == 0) return 0;
        uint256 start = seed % count;
        for (uint256 i = 0; i < count; ++i) {
            uint256 id = 1 + ((start + i) % count);
            if (fits(store.lease(id))) return id;
        }
        return 0;
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _outcome(string memory what, bool expectOk, bool ok, bytes memory err) internal {
        store.countCall(keccak256(bytes(what)), ok);
        if (ok && !expectOk) store.recordUnexpectedSuccess(what);
        if (!ok && expectOk) store.recordUnexpectedRevert(what, err);
    }

    function _expectEq(string memory what, uint256 got, uint256 expected) internal {
        if (got != expected) store.recordMismatch(what, got, expected);
    }

    /// @dev `before - afterwards`, recording a mismatch (not reverting) if the balance moved the wrong way.
    function _decrease(string memory what, uint256 before, uint256 afterwards) internal returns (uint256) {
        if (afterwards > before) {
            store.recordMismatch(what, afterwards, before);
            return 0;
        }
        return before - afterwards;
    }

    function _increase(string memory what, uint256 before, uint256 afterwards) internal returns (uint256) {
        if (afterwards < before) {
            store.recordMismatch(what, afterwards, before);
            return 0;
        }
        return afterwards - before;
    }

    function _cost(uint256 price, uint256 gpus, uint256 seconds_) internal pure returns (uint256) {
        return (price * gpus * seconds_) / 3600;
    }

    function _bal(address token, address who) internal view returns (uint256) {
        return IERC20(token).balanceOf(who);
    }

    /// @dev The block time, read through the cheatcode: with via-IR, `block.timestamp` read after a warp in the
    /// same function may be the value from before it.
    function _now() internal view returns (uint256) {
        return vm.getBlockTimestamp();
    }

    function _warpBy(uint256 seconds_) internal {
        vm.warp(_now() + seconds_);
    }

    function _warpTo(uint256 timestamp) internal {
        if (timestamp > _now()) vm.warp(timestamp);
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
