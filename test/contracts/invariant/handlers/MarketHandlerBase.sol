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
    uint256 internal constant MAX_WARP = 4 hours; // leases last 1 minute to 3 days: keep some of them running
    uint256 internal constant MAX_OFFERS = 12; // the test lists seven; the handler may add five more
    uint256 internal constant MAX_OUTAGE_REPORTS = 12;
    uint256 internal constant REPORT_COOLDOWN = 1 hours;
    uint256 internal constant STAKE_PENALTY_BPS = 1_000; // the market's: a lease reserves 10% of its deposit

    IMarketUnderTest public immutable market;
    MarketStore public immutable store;
    address public immutable grid;
    address public immutable usd;
    address public immutable busd; // a USDC-like token that can blocklist buyers: their payouts get credited
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
    mapping(address buyer => bool) internal _blocked; // blocklisted in busd by the handler

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
        busd = tokens[2];
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
        address[3] memory tokens = _tokens();
        for (uint256 i = 0; i < _providers.length; ++i) {
            for (uint256 k = 0; k < 3; ++k) {
                uint256 bond = market.bondOf(_providers[i], tokens[k]).amount;
                if (bond != 0) store.addBondIn(tokens[k], _providers[i], bond);
            }
        }
        uint256 offers = market.offerCount();
        for (uint256 id = 1; id <= offers; ++id) _basePrice[id] = market.getOffer(id).pricePerGpuHour;
        _ghostPaused = market.paused();
        _ghostFeeBps = market.feeBps();
        _ghostAllowed[usd] = market.isPaymentToken(usd);
        _ghostAllowed[grid] = market.isPaymentToken(grid);
        _ghostAllowed[busd] = market.isPaymentToken(busd);
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
        r.offerId = _pickOffer(offerSeed);
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
        r.reservedPenalty = _penaltyFor(r.offerId, deposit);
        uint256 bond = store.ghostBond(r.provider, r.token);
        bool expectOk =
            !_ghostPaused &&
                _ghostAllowed[r.token] &&
                !o.paused &&
                r.units <= available &&
                r.price <= maxPrice &&
                bond >= o.minProviderBond &&
                bond - _reserved(r.provider, r.token) >= r.reservedPenalty &&
                deposit != 0 &&
                deposit <= type(uint104).max &&
                !_refuses(r.token, r.buyer);

        uint256 before = _bal(r.token, r.buyer);
        vm.prank(r.buyer);
        try market.openLease(r.offerId, r.units, r.bookedDuration, maxPrice, PUBKEY) returns (uint256 id) {
            _outcome("openLease", expectOk, true, "");
            leaseId = id;
            r.id = id;
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
                _cost(r.price, r.gpus, newDuration) <= type(uint104).max &&
                !_refuses(r.token, payer);
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
        EndReason reason;
        uint256 billed; // unit-seconds
        uint256 endTime;
        uint256 refund;
        uint256 penalty;
        uint256 bondBefore;
        uint256 buyerTokenBefore;
        uint256 creditTokenBefore;
        bool paused;
    }

    function _terminate(uint256 id, bool byProvider) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        LeaseStatus s = _modelStatus(r);
        bool expectOk = s == LeaseStatus.Active || (byProvider && s == LeaseStatus.Pending);
        EndReason reason = byProvider ? EndReason.ProviderTerminated : EndReason.BuyerTerminated;
        // Whoever ends a lease whose outage went unresolved ends it as unresolved, penalty included.
        if (s == LeaseStatus.Active && _exitOpen(r)) reason = EndReason.OutageUnresolved;
        string memory what = byProvider ? "terminateLease(provider)" : "terminateLease(buyer)";
        _end(
            r,
            byProvider ? r.provider : r.buyer,
            abi.encodeCall(market.terminateLease, (id)),
            what,
            expectOk,
            reason
        );
    }

    function _cancel(uint256 id) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        bool expectOk = _modelStatus(r) == LeaseStatus.Pending && _now() > r.deadline;
        _end(
            r,
            r.buyer,
            abi.encodeCall(market.cancelLease, (id)),
            "cancelLease",
            expectOk,
            EndReason.NoShowCancelled
        );
    }

    /// @dev Anyone closes an activated lease from its end on: as expired, or as unresolved if its outage's exit is
    /// open. A lease without outages moves no tokens; one with outages refunds their unbilled part.
    function _close(uint256 id) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        bool expectOk = _modelStatus(r) == LeaseStatus.Expired;
        EndReason reason = _exitOpen(r) ? EndReason.OutageUnresolved : EndReason.Expired;
        _end(r, stranger, abi.encodeCall(market.closeLease, (id)), "closeLease", expectOk, reason);
    }

    function _endUnresolved(uint256 id) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        bool expectOk = _isActivatedLive(r) && _exitOpen(r);
        bytes memory call = abi.encodeCall(market.endUnresolvedOutage, (id));
        _end(r, stranger, call, "endUnresolvedOutage", expectOk, EndReason.OutageUnresolved);
    }

    /// @dev Makes an ending call and, when it succeeds, measures and books the end.
    function _end(
        MarketStore.LeaseRecord memory r,
        address caller,
        bytes memory call,
        string memory what,
        bool expectOk,
        EndReason reason
    ) internal {
        EndExpectation memory e = _expectEnd(r, reason);
        vm.prank(caller);
        (bool ok, bytes memory err) = address(market).call(call);
        _outcome(what, expectOk, ok, err);
        if (ok) _bookEnd(r, e);
        if (e.paused && expectOk) store.recordPausedExit(!ok);
    }

    struct ClaimTotals {
        address[3] tokens;
        uint256[3] net;
        uint256[3] fees;
        uint256[3] before;
        uint256[3] feesBefore;
    }

    function _claim(address p, uint256[] memory ids) internal {
        bool expectOk = _anyClaimable(ids);
        bool paused = _ghostPaused;
        ClaimTotals memory t;
        t.tokens = _tokens();
        for (uint256 k = 0; k < 3; ++k) {
            t.before[k] = _bal(t.tokens[k], p);
            t.feesBefore[k] = market.protocolFees(t.tokens[k]);
        }
        vm.prank(p);
        try market.claim(ids) {
            _outcome("claim", expectOk, true, "");
            for (uint256 i = 0; i < ids.length; ++i) _bookClaim(ids[i], t);
            for (uint256 k = 0; k < 3; ++k) {
                address token = t.tokens[k];
                uint256 paid = _increase("claim: provider balance fell", t.before[k], _bal(token, p));
                uint256 feesTaken = _increase(
                    "claim: fees fell",
                    t.feesBefore[k],
                    market.protocolFees(token)
                );
                _expectEq("claim: paid to provider", paid, t.net[k]);
                _expectEq("claim: fee", feesTaken, t.fees[k]);
                store.addClaimed(token, paid, feesTaken);
            }
            if (paused && expectOk) store.recordPausedExit(false);
        } catch (bytes memory err) {
            _outcome("claim", expectOk, false, err);
            if (paused && expectOk) store.recordPausedExit(true);
        }
    }

    /// @dev Books one lease of a successful claim (listed twice, it releases nothing the second time).
    function _bookClaim(uint256 id, ClaimTotals memory t) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        uint256 settledAfter = market.getLease(id).settled;
        if (settledAfter < r.settled) {
            store.recordSettledDecrease(id, r.settled, settledAfter);
            return;
        }
        // A claim releases everything accrued so far; a pending lease has accrued nothing.
        _expectEq("settled after claim", settledAfter, _modelAccrued(r));
        uint256 fee = (settledAfter * r.feeBps) / BPS - (r.settled * r.feeBps) / BPS;
        uint256 net = settledAfter - r.settled - fee;
        r.settled = settledAfter;
        r.fees += fee;
        r.claimedNet += net;
        store.setLease(id, r);
        uint256 k =
            r.token == t.tokens[0]
                ? 0
                : r.token == t.tokens[1]
                    ? 1
                    : 2;
        t.net[k] += net;
        t.fees[k] += fee;
    }

    function _withdrawBond(address p, address token, uint256 amount) internal {
        uint256 bond = store.ghostBond(p, token);
        uint256 reserved = _reserved(p, token);
        _expectEq("locked bond = penalties of live leases", market.bondOf(p, token).locked, reserved);
        bool expectOk = amount != 0 && amount <= bond - reserved;
        bool paused = _ghostPaused;
        uint256 before = _bal(token, p);
        vm.prank(p);
        try market.withdrawBond(token, amount) {
            _outcome("withdrawBond", expectOk, true, "");
            uint256 got = _increase("withdrawBond: provider balance fell", before, _bal(token, p));
            _expectEq("bond withdrawn", got, amount);
            store.addBondOut(token, p, got);
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

    /// @dev What an end must pay, and the balances and credits to measure it against.
    function _expectEnd(
        MarketStore.LeaseRecord memory r,
        EndReason reason
    ) internal view returns (EndExpectation memory e) {
        e.reason = reason;
        e.endTime = _now();
        if (r.activatedAt != 0) (e.billed, e.endTime) = _billedAt(r, _now());
        e.refund = r.deposit - _accrual(r, e.billed);
        // Reserved when the lease opened, so always there to pay.
        if (reason != EndReason.BuyerTerminated && reason != EndReason.Expired) e.penalty = r.reservedPenalty;
        e.bondBefore = store.ghostBond(r.provider, r.token);
        e.buyerTokenBefore = _bal(r.token, r.buyer);
        e.creditTokenBefore = market.credits(r.token, r.buyer);
        e.paused = _ghostPaused;
    }

    /// @dev Measures and books an end: the refund and the penalty, both in the lease's token (the penalty from the
    /// provider's bond in it), each paid or, when the token refuses the buyer, credited to it. The bond tells the
    /// penalty apart from the refund.
    function _bookEnd(MarketStore.LeaseRecord memory r, EndExpectation memory e) internal {
        uint256 paid = _increase("end: buyer token fell", e.buyerTokenBefore, _bal(r.token, r.buyer));
        uint256 credited = market.credits(r.token, r.buyer) - e.creditTokenBefore;
        _expectEq(
            "end: credited only what the token refused",
            credited,
            _refuses(r.token, r.buyer) ? e.refund + e.penalty : 0
        );
        uint256 bondAfter = market.bondOf(r.provider, r.token).amount;
        uint256 penalty = e.bondBefore >= bondAfter ? e.bondBefore - bondAfter : 0;
        uint256 refund = paid + credited >= penalty ? paid + credited - penalty : 0;
        bool refused = credited != 0;
        if (refused) store.addCredited(r.token, refund);
        else store.addRefunded(r.token, refund);
        _expectEq("end: refund", refund, e.refund);
        _expectEq("end: penalty", penalty, e.penalty);
        _expectEq(
            "end: units freed",
            market.getOffer(r.offerId).unitsInUse,
            _modelUnitsInUse(r.offerId) - r.units
        );
        r.ended = true;
        r.endReason = uint8(e.reason);
        r.endedAt = e.endTime;
        r.billedUnitSeconds = e.billed;
        r.refund = refund;
        r.penalty = penalty;
        store.setLease(r.id, r);
        if (penalty != 0) store.addPenalty(r.token, r.provider, penalty, !refused);
        _expectEq(
            "end: reservation released",
            market.bondOf(r.provider, r.token).locked,
            _reserved(r.provider, r.token)
        );
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
        if (_now() >= _modelEnd(r)) return LeaseStatus.Expired;
        return LeaseStatus.Active;
    }

    /// @dev An activated lease's end: its activation, plus the time bought, plus the end's moves for resolved
    /// downtime (an open outage does not move it).
    function _modelEnd(MarketStore.LeaseRecord memory r) internal pure returns (uint256) {
        return r.activatedAt + r.bookedDuration + r.outageExtension;
    }

    function _modelAccrued(MarketStore.LeaseRecord memory r) internal view returns (uint256) {
        if (r.ended) return _accrual(r, r.billedUnitSeconds);
        if (r.activatedAt == 0) return 0;
        (uint256 billed, ) = _billedAt(r, _now());
        return _accrual(r, billed);
    }

    /// @notice Billed unit-seconds of an activated lease up to `t` (clamped to its end), and that end point:
    /// every server's seconds of service (active unit-seconds) less the down unit-seconds.
    function billedAt(
        uint256 id,
        uint256 t
    ) external view returns (uint256 billed, uint256 down, uint256 until) {
        MarketStore.LeaseRecord memory r = store.lease(id);
        (billed, until) = _billedAt(r, t);
        down = _downUntil(store.outage(id), until);
    }

    function _billedAt(MarketStore.LeaseRecord memory r, uint256 t) internal view returns (uint256, uint256) {
        uint256 served = _min(t - r.activatedAt, r.bookedDuration + r.outageExtension);
        uint256 until = r.activatedAt + served;
        return (r.units * served - _downUntil(store.outage(r.id), until), until);
    }

    /// @dev Down unit-seconds up to `t`: those banked by resolutions and raises, plus the open outage's.
    function _downUntil(MarketStore.OutageRecord memory o, uint256 t) internal pure returns (uint256 down) {
        down = o.downUnitSeconds;
        if (o.since != 0 && t > o.since) down += o.downUnits * (t - o.since);
    }

    /// @dev The gross amount `billed` unit-seconds cost: floor(price x GPUs per server x unit-seconds / 3600).
    function _accrual(MarketStore.LeaseRecord memory r, uint256 billed) internal pure returns (uint256) {
        return _cost(r.price, r.gpus / r.units, billed);
    }

    /// @dev Whether the unresolved exit is open for an activated, live lease: its open outage's deadline passed
    /// before now and before its end, or it reached MAX_OUTAGE_REPORTS before its end.
    function _exitOpen(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        MarketStore.OutageRecord memory o = store.outage(r.id);
        if (o.reports == 0) return false;
        uint256 end = _modelEnd(r);
        if (o.since != 0 && _now() > o.deadline && o.deadline < end) return true;
        return o.reports >= MAX_OUTAGE_REPORTS && _now() < end;
    }

    /// @dev Seven times in eight the first offer from a random start that is listed and has free units, so that
    /// most opens are valid; otherwise (or if none fits) any offer, to check the refusals.
    function _pickOffer(uint256 seed) internal view returns (uint256) {
        uint256 count = market.offerCount();
        uint256 start = seed % count;
        if ((seed >> 128) % 8 != 0) {
            for (uint256 i = 0; i < count; ++i) {
                uint256 id = 1 + ((start + i) % count);
                Offer memory o = market.getOffer(id);
                if (!o.paused && o.totalUnits > _modelUnitsInUse(id)) return id;
            }
        }
        return 1 + start;
    }

    function _modelUnitsInUse(uint256 offerId) internal view returns (uint256 units) {
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            MarketStore.LeaseRecord memory r = store.lease(id);
            if (r.offerId == offerId && !r.ended) units += r.units;
        }
    }

    /// @dev The bond in `token` the provider's live leases in that token have reserved: one penalty each.
    function _reserved(address p, address token) internal view returns (uint256 total) {
        uint256[] memory ids = store.leasesOf(p);
        for (uint256 i = 0; i < ids.length; ++i) {
            MarketStore.LeaseRecord memory r = store.lease(ids[i]);
            if (!r.ended && r.token == token) total += r.reservedPenalty;
        }
    }

    /// @dev The offer's penalty floor: PENALTY_BPS of its minimum bond.
    function _penaltyOf(uint256 offerId) internal view returns (uint256) {
        return (uint256(market.getOffer(offerId).minProviderBond) * penaltyBps) / BPS;
    }

    /// @dev The deposit of the largest lease the handler opens on `o`: MAX_UNITS_PER_LEASE servers for the longest
    /// duration it picks.
    function _largestDeposit(Offer memory o) internal pure returns (uint256) {
        uint256 longest = _min(o.maxDuration, uint256(o.minDuration) + MAX_EXTRA_DURATION);
        return _cost(o.pricePerGpuHour, uint256(o.gpusPerUnit) * MAX_UNITS_PER_LEASE, longest);
    }

    /// @dev The penalty a lease escrowing `deposit` reserves: STAKE_PENALTY_BPS of it, at least the offer's floor.
    function _penaltyFor(uint256 offerId, uint256 deposit) internal view returns (uint256) {
        uint256 scaled = (deposit * STAKE_PENALTY_BPS) / BPS;
        uint256 floor = _penaltyOf(offerId);
        return scaled > floor ? scaled : floor;
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
        store.countCall(what, ok);
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

    /// @dev Whether `token` refuses transfers to or from `who`: only busd, for a blocklisted buyer.
    function _refuses(address token, address who) internal view returns (bool) {
        return token == busd && _blocked[who];
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

    function _tokens() internal view returns (address[3] memory) {
        return [usd, grid, busd];
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
