// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {Vm} from "../../utils/Vm.sol";
import {Assertions} from "../../utils/Assertions.sol";
import {IMarketUnderTest} from "../../utils/IMarketUnderTest.sol";
import {
    EndReason,
    LeaseStatus,
    LeaseTermsView,
    LeaseView,
    Offer,
    OfferTerms,
    TopUpAllowance
} from "../../../../contracts/types/DataTypes.sol";

/// @notice Fuzzed actions on reserved capacity: rolling and prepaid leases on offers with prepaid windows and
/// commitments, manual top-ups, top-up allowances executed by a keeper and revoked by the buyer, early exits under a
/// commitment, per-server releases and failures, Unfunded ends after grace, claims and time warps.
/// @dev Every market call is caught (the handler never reverts). Rather than a full ghost model, each call is
/// checked against what the market quoted just before it (exit charges, funded ends, allowances) and against the
/// rules that must hold whatever the amounts: the counters below must stay zero.
contract ReservedHandler is Assertions {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    bytes32 internal constant PUBKEY = keccak256("reserved invariant buyer key");
    uint256 internal constant GRACE_PERIOD = 3 days; // the market's

    IMarketUnderTest public immutable market;
    address public immutable keeper;
    address[] internal _buyers;
    address[] internal _providers;
    address[] internal _tokens;
    uint256[] internal _leaseIds;

    // Rule breaks seen by the calls; the invariants require each to stay zero.
    uint256 public chargesAtFault; // an exit charge on an end or a server failure where the provider was at fault
    uint256 public chargesAboveQuote; // a buyer's exit charged more than exitChargeAt/exitChargeNow said just before
    uint256 public topUpsBeyondLimits; // a top-up past now + window, the term, the per-top-up cap or the total cap
    uint256 public earlyUnfundedEnds; // an Unfunded end before its grace was over
    uint256 public unfundedChargeMismatches; // an Unfunded end before the commitment did not take the exit escrow
    uint256 public issues; // every rule break above, and any other the calls noticed
    string public lastIssue;

    mapping(bytes32 action => uint256) public successes;

    constructor(
        IMarketUnderTest market_,
        address keeper_,
        address[] memory buyers_,
        address[] memory providers_,
        address[] memory tokens_
    ) {
        market = market_;
        keeper = keeper_;
        _buyers = buyers_;
        _providers = providers_;
        _tokens = tokens_;
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Opens a rolling lease on a rolling offer: a random term, funded from the window up to the term;
    /// activates half of them at once.
    function openRolling(uint256 buyerSeed, uint256 offerSeed, uint256 unitsSeed, uint256 termSeed) external {
        uint256 offerId = 1 + (offerSeed % market.offerCount());
        Offer memory o = market.getOffer(offerId);
        OfferTerms memory t = market.getOfferTerms(offerId);
        uint256 term = bound(termSeed, o.minDuration, o.maxDuration);
        uint256 minFunded = t.prepaidWindow < term ? t.prepaidWindow : term;
        uint256 funded = bound(termSeed >> 64, minFunded, minFunded + (term - minFunded) / 4);
        uint256 units = bound(unitsSeed, 1, 3);
        address buyer = _buyers[buyerSeed % _buyers.length];
        vm.prank(buyer);
        try market.openRollingLease(offerId, units, term, funded, type(uint256).max, PUBKEY) returns (
            uint256 id
        ) {
            _leaseIds.push(id);
            _ok("openRollingLease");
            // Half of them start at once: pending leases mostly miss their window while time warps by days.
            if ((termSeed >> 128) % 2 == 0) {
                vm.prank(o.provider);
                try market.activateLease(id, hex"5ea1ed") {
                    _ok("activateLease");
                } catch {}
            }
        } catch {}
    }

    /// @notice Opens a fully prepaid lease on any offer (committed offers included).
    function openPrepaid(
        uint256 buyerSeed,
        uint256 offerSeed,
        uint256 unitsSeed,
        uint256 durationSeed
    ) external {
        uint256 offerId = 1 + (offerSeed % market.offerCount());
        Offer memory o = market.getOffer(offerId);
        uint256 duration = bound(
            durationSeed,
            o.minDuration,
            _min(o.maxDuration, uint256(o.minDuration) + 4 days)
        );
        address buyer = _buyers[buyerSeed % _buyers.length];
        vm.prank(buyer);
        try market.openLease(offerId, bound(unitsSeed, 1, 3), duration, type(uint256).max, PUBKEY) returns (
            uint256 id
        ) {
            _leaseIds.push(id);
            _ok("openLease");
        } catch {}
    }

    function activate(uint256 leaseSeed) external {
        uint256 id = _pickStatus(leaseSeed, LeaseStatus.Pending);
        if (id == 0) return;
        vm.prank(_providerOf(id));
        try market.activateLease(id, hex"5ea1ed") {
            _ok("activateLease");
        } catch {}
    }

    /// @notice The buyer tops up by hand (extendLease), up to a day at a time.
    function manualTopUp(uint256 leaseSeed, uint256 addSeed) external {
        uint256 id = _pick(leaseSeed);
        if (id == 0) return;
        LeaseTermsView memory before = market.getLeaseTerms(id);
        uint256 funded = market.getLease(id).duration;
        vm.prank(market.getLease(id).buyer);
        try market.extendLease(id, bound(addSeed, 1, 1 days)) {
            _ok("extendLease");
            if (before.rolling && market.getLease(id).duration > before.term)
                _issue("manual top-up beyond term");
            if (market.getLease(id).duration <= funded) _issue("manual top-up funded nothing");
        } catch {}
    }

    function setAllowance(uint256 leaseSeed, uint256 capSeed, uint256 thresholdSeed) external {
        uint256 id = _pickRolling(leaseSeed);
        if (id == 0) return;
        LeaseView memory v = market.getLease(id);
        uint256 day = (v.pricePerGpuHour * v.gpusPerUnit * v.units * 1 days) / 3600;
        uint256 perTopUp = bound(capSeed, day / 4 + 1, day * 2 + 1);
        uint256 totalCap = perTopUp + bound(capSeed >> 128, 0, day * 10);
        vm.prank(v.buyer);
        try market.setTopUpAllowance(id, perTopUp, totalCap, bound(thresholdSeed, 12 hours, 4 days)) {
            _ok("setTopUpAllowance");
        } catch {}
    }

    function revokeAllowance(uint256 leaseSeed) external {
        uint256 id = _pickRolling(leaseSeed);
        if (id == 0) return;
        vm.prank(market.getLease(id).buyer);
        try market.revokeTopUpAllowance(id) {
            _ok("revokeTopUpAllowance");
        } catch {}
    }

    /// @notice A keeper executes a top-up of a random length: mostly within what the rules allow, sometimes beyond.
    /// Whatever it asks, a success must stay within the window, the term and the caps.
    function keeperTopUp(uint256 leaseSeed, uint256 addSeed) external {
        uint256 id = _pickAllowed(leaseSeed);
        if (id == 0) return;
        LeaseTermsView memory t = market.getLeaseTerms(id);
        TopUpAllowance memory a = market.getTopUpAllowance(id);
        LeaseView memory v = market.getLease(id);
        uint256 limit = _now() + market.getOfferTerms(v.offerId).prepaidWindow;
        // The largest legal top-up, give or take a second of rounding: the window, the term, the caps.
        uint256 room = limit > t.fundedUntil ? limit - t.fundedUntil : 0;
        room = _min(room, t.term - v.duration);
        uint256 perSecond = v.pricePerGpuHour * v.gpusPerUnit * v.units;
        room = _min(room, (_min(a.perTopUp, a.remaining) * 3600) / perSecond);
        uint256 added = bound(addSeed, 1, addSeed % 4 == 0 ? 3 days : (room <= 1 ? 1 : room - 1));
        address token = v.paymentToken;
        uint256 buyerBefore = IERC20(token).balanceOf(v.buyer);
        vm.prank(keeper);
        try market.executeTopUp(id, added) {
            _ok("executeTopUp");
            uint256 pulled = buyerBefore - IERC20(token).balanceOf(v.buyer);
            LeaseTermsView memory afterwards = market.getLeaseTerms(id);
            if (afterwards.fundedUntil > limit) _issueTopUp("top-up beyond now + window");
            if (market.getLease(id).duration > t.term) _issueTopUp("top-up beyond the term");
            if (pulled > a.perTopUp) _issueTopUp("top-up above the per-top-up cap");
            if (pulled > a.remaining) _issueTopUp("top-up above what the allowance had left");
            if (market.getTopUpAllowance(id).remaining != a.remaining - pulled)
                _issueTopUp("allowance not spent");
            if (t.fundedUntil > _now() && t.fundedUntil - _now() >= a.runwayThreshold) {
                _issueTopUp("top-up with runway above threshold");
            }
        } catch {}
    }

    function terminateByBuyer(uint256 leaseSeed) external {
        uint256 id = _pickStatus(leaseSeed, LeaseStatus.Active);
        if (id == 0) return;
        _endCall(
            id,
            market.getLease(id).buyer,
            abi.encodeCall(market.terminateLease, (id)),
            "terminate(buyer)"
        );
    }

    function terminateByProvider(uint256 leaseSeed) external {
        uint256 id = _pickStatus(leaseSeed, LeaseStatus.Active);
        if (id == 0) return;
        _endCall(id, _providerOf(id), abi.encodeCall(market.terminateLease, (id)), "terminate(provider)");
    }

    function cancel(uint256 leaseSeed) external {
        uint256 id = _pickStatus(leaseSeed, LeaseStatus.Pending);
        if (id == 0) return;
        _endCall(id, market.getLease(id).buyer, abi.encodeCall(market.cancelLease, (id)), "cancelLease");
    }

    function close(uint256 leaseSeed) external {
        uint256 id = _pickStatus(leaseSeed, LeaseStatus.Expired);
        if (id == 0) return;
        _endCall(id, keeper, abi.encodeCall(market.closeLease, (id)), "closeLease");
    }

    /// @notice The provider ends an unfunded lease: mostly one past its grace, sometimes any rolling one.
    function endUnfunded(uint256 leaseSeed) external {
        uint256 id = leaseSeed % 4 == 0 ? _pickRolling(leaseSeed >> 2) : _pickLapsed(leaseSeed >> 2);
        if (id == 0) return;
        _endCall(id, _providerOf(id), abi.encodeCall(market.endUnfunded, (id)), "endUnfunded");
    }

    /// @notice The buyer releases some servers: the charge is at most the quote for them just before.
    function releaseServers(uint256 leaseSeed, uint256 countSeed) external {
        _serverEnd(leaseSeed, countSeed, false);
    }

    /// @notice The provider fails some servers: no exit charge, ever.
    function failServers(uint256 leaseSeed, uint256 countSeed) external {
        _serverEnd(leaseSeed, countSeed, true);
    }

    function claim(uint256 providerSeed) external {
        address p = _providers[providerSeed % _providers.length];
        uint256[] memory ids = _leasesOf(p);
        if (ids.length == 0) return;
        vm.prank(p);
        try market.claim(ids) {
            _ok("claim");
        } catch {}
    }

    /// @notice Moves time: mostly up to a day, one time in four up to a week (past windows, grace, commitments).
    function warp(uint256 seed) external {
        vm.warp(_now() + bound(seed, 1, seed % 4 == 0 ? 7 days : 1 days));
    }

    /*//////////////////////////////////////////////////////////////
                                  READS
    //////////////////////////////////////////////////////////////*/

    function leaseIds() external view returns (uint256[] memory) {
        return _leaseIds;
    }

    function providers() external view returns (address[] memory) {
        return _providers;
    }

    function buyers() external view returns (address[] memory) {
        return _buyers;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Makes an ending call; on success checks the charge it took (the growth of `frozen`) against the rules.
    function _endCall(uint256 id, address caller, bytes memory call, string memory what) internal {
        LeaseTermsView memory t = market.getLeaseTerms(id);
        uint256 cap = market.escrowOf(id) - market.getLease(id).claimable;
        vm.prank(caller);
        (bool ok, ) = address(market).call(call);
        if (!ok) return;
        _ok(what);
        LeaseView memory v = market.getLease(id);
        uint256 charge = market.getLeaseTerms(id).frozen - t.frozen;
        EndReason reason = v.endReason;
        bool atFault =
            reason == EndReason.ProviderTerminated ||
                reason == EndReason.NoShowCancelled ||
                reason == EndReason.OutageUnresolved;
        if (atFault && charge != 0) _issueAtFault(what);
        // A lapsed commitment costs its whole escrowed exit; otherwise the exit costs what was quoted.
        bool lapsed =
            t.rolling && t.exitEscrow != 0 && _now() > t.fundedUntil && t.fundedUntil < t.commitmentEnds;
        uint256 quote = lapsed ? t.exitEscrow : t.exitChargeNow;
        if (reason == EndReason.BuyerTerminated && charge != _min(quote, cap)) {
            chargesAboveQuote += charge > quote ? 1 : 0;
            _issue(string.concat(what, ": charge != min(quote, refundable)"));
        }
        if (reason == EndReason.Unfunded) {
            if (_now() <= t.fundedUntil + GRACE_PERIOD) {
                earlyUnfundedEnds += 1;
                _issue("Unfunded end before grace");
            }
            uint256 expected = t.fundedUntil < t.commitmentEnds ? _min(t.exitEscrow, cap) : 0;
            if (charge != expected) {
                unfundedChargeMismatches += 1;
                _issue("Unfunded end: exit escrow not (only) charged");
            }
        }
    }

    function _serverEnd(uint256 leaseSeed, uint256 countSeed, bool failed) internal {
        uint256 id = _pick(leaseSeed);
        if (id == 0) return;
        LeaseView memory v = market.getLease(id);
        if (v.units < 2) return;
        uint256 count = bound(countSeed, 1, v.units - 1);
        uint256 quote = market.exitChargeAt(id, count, _now());
        LeaseTermsView memory t = market.getLeaseTerms(id);
        uint256 frozenBefore = t.frozen;
        // A committed rolling lease that ran unfunded before its commitment's end gives up the released servers'
        // share of its exit escrow (as an Unfunded end would), which exitChargeAt does not show.
        bool lapsed =
            t.rolling && t.exitEscrow != 0 && _now() > t.fundedUntil && t.fundedUntil < t.commitmentEnds;
        // What the servers earned so far (the handler reports no outages): the part frozen without any charge.
        uint256 served = _now() > v.start ? _min(_now() - v.start, v.duration) : 0;
        uint256 earned =
            _cost(v.pricePerGpuHour, v.gpusPerUnit * v.units, served) -
                _cost(v.pricePerGpuHour, v.gpusPerUnit * (v.units - count), served);
        bytes memory call =
            failed
                ? abi.encodeCall(market.failServers, (id, count))
                : abi.encodeCall(market.releaseServers, (id, count));
        vm.prank(failed ? _providerOf(id) : v.buyer);
        (bool ok, ) = address(market).call(call);
        if (ok) {
            _ok(failed ? "failServers" : "releaseServers");
            LeaseTermsView memory afterwards = market.getLeaseTerms(id);
            uint256 frozenAdd = afterwards.frozen - frozenBefore;
            if (lapsed) quote = t.exitEscrow - afterwards.exitEscrow;
            if (failed && frozenAdd > earned) _issueAtFault("failServers charged an exit");
            if (!failed && frozenAdd > earned + quote) {
                chargesAboveQuote += 1;
                _issue("releaseServers charged above its quote");
            }
        }
    }

    /// @dev An active rolling lease from a random starting point (any live lease one time in four), or 0.
    function _pickRolling(uint256 seed) internal view returns (uint256) {
        if (seed % 4 == 0) return _pick(seed >> 2);
        uint256 n = _leaseIds.length;
        uint256 start = n == 0 ? 0 : seed % n;
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = _leaseIds[(start + i) % n];
            if (market.getLease(id).status == LeaseStatus.Active && market.getLeaseTerms(id).rolling)
                return id;
        }
        return 0;
    }

    /// @dev A live lease with a top-up allowance from a random starting point (any rolling one one time in four).
    function _pickAllowed(uint256 seed) internal view returns (uint256) {
        if (seed % 4 == 0) return _pickRolling(seed >> 2);
        uint256 n = _leaseIds.length;
        uint256 start = n == 0 ? 0 : seed % n;
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = _leaseIds[(start + i) % n];
            if (
                market.getLease(id).status != LeaseStatus.Ended && market.getTopUpAllowance(id).perTopUp != 0
            ) {
                return id;
            }
        }
        return _pickRolling(seed >> 2);
    }

    /// @dev A lease in `status` from a random starting point (any live one one time in four, or if none is).
    function _pickStatus(uint256 seed, LeaseStatus status) internal view returns (uint256) {
        if (seed % 4 == 0) return _pick(seed >> 2);
        uint256 n = _leaseIds.length;
        uint256 start = n == 0 ? 0 : seed % n;
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = _leaseIds[(start + i) % n];
            if (market.getLease(id).status == status) return id;
        }
        return _pick(seed >> 2);
    }

    /// @dev A rolling lease whose grace is over, from a random starting point; else any active rolling one.
    function _pickLapsed(uint256 seed) internal view returns (uint256) {
        uint256 n = _leaseIds.length;
        uint256 start = n == 0 ? 0 : seed % n;
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = _leaseIds[(start + i) % n];
            uint256 graceEnds = market.getLeaseTerms(id).graceEnds;
            if (graceEnds != 0 && graceEnds < _now()) return id;
        }
        return _pickRolling(seed);
    }

    /// @dev A live lease from a random starting point, or 0 when none is live.
    function _pick(uint256 seed) internal view returns (uint256) {
        uint256 n = _leaseIds.length;
        if (n == 0) return 0;
        uint256 start = seed % n;
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = _leaseIds[(start + i) % n];
            if (market.getLease(id).status != LeaseStatus.Ended) return id;
        }
        return 0;
    }

    function _leasesOf(address p) internal view returns (uint256[] memory ids) {
        uint256 n;
        for (uint256 i = 0; i < _leaseIds.length; ++i) if (_providerOf(_leaseIds[i]) == p) ++n;
        ids = new uint256[](n);
        n = 0;
        for (uint256 i = 0; i < _leaseIds.length; ++i)
            if (_providerOf(_leaseIds[i]) == p) ids[n++] = _leaseIds[i];
    }

    function _providerOf(uint256 id) internal view returns (address) {
        return market.getLease(id).provider;
    }

    function _ok(string memory what) internal {
        successes[keccak256(bytes(what))] += 1;
    }

    function _issue(string memory what) internal {
        issues += 1;
        lastIssue = what;
    }

    function _issueAtFault(string memory what) internal {
        chargesAtFault += 1;
        _issue(what);
    }

    function _issueTopUp(string memory what) internal {
        topUpsBeyondLimits += 1;
        _issue(what);
    }

    function _cost(uint256 price, uint256 gpus, uint256 seconds_) internal pure returns (uint256) {
        return (price * gpus * seconds_) / 3600;
    }

    function _now() internal view returns (uint256) {
        return vm.getBlockTimestamp();
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
