// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MarketHandlerOutages} from "./MarketHandlerOutages.sol";
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
/// @notice Drives the market through random but mostly valid sequences of calls for the invariant suite.
/// @dev Every action:
/// 1. turns its fuzzed seeds into bounded inputs (an existing lease in a fitting state, an amount in range);
/// 2. predicts from the ghost model in {MarketStore} whether the market must accept the call;
/// 3. makes the call in a try/catch, so that this handler itself never reverts (the suite runs with
///    failOnRevert = true: a revert here is a bug in the handler, and fails the run);
/// 4. counts any disagreement with the prediction, and any amount that differs from the lease formula, in the
///    store; the invariants then require those counters to stay at zero;
/// 5. measures every payment on the counterparty's side and books it in the store's ghost cash flows.
/// Abstract only so that the test file declares the deployed handler: Hardhat emits artifacts for the root files
/// it builds, and the invariant runner needs the handler's artifact to know its selectors.
abstract contract MarketHandler is MarketHandlerOutages {
    constructor(
        IMarketUnderTest market_,
        MarketStore store_,
        address owner_,
        address stranger_,
        address[] memory buyers_,
        address[] memory providers_
    ) MarketHandlerOutages(market_, store_, owner_, stranger_, buyers_, providers_) {}

    /*//////////////////////////////////////////////////////////////
                              LEASE ACTIONS
    //////////////////////////////////////////////////////////////*/

    function openLease(
        uint256 buyerSeed,
        uint256 offerSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed
    ) external {
        _open(buyerSeed, offerSeed, unitsSeed, durationSeed, priceSeed);
    }

    /// @notice The common flow: the provider's agent activates the lease in the same block.
    function openAndActivate(
        uint256 buyerSeed,
        uint256 offerSeed,
        uint256 unitsSeed,
        uint256 durationSeed,
        uint256 priceSeed
    ) external {
        uint256 id = _open(buyerSeed, offerSeed, unitsSeed, durationSeed, priceSeed);
        if (id != 0) _activate(id);
    }

    /// @notice Activates a pending lease, usually within what is left of its activation window; one time in eight
    /// up to 30 minutes past its deadline, which must fail.
    function activate(uint256 leaseSeed, uint256 delaySeed) external {
        uint256 id = _pick(leaseSeed, _isPending);
        if (id == 0) return;
        uint256 deadline = store.lease(id).deadline;
        if (delaySeed % 8 == 0) _warpTo(deadline + bound(delaySeed >> 3, 1, 30 minutes));
        else if (deadline > _now()) _warpBy(bound(delaySeed >> 3, 0, deadline - _now()));
        _activate(id);
    }

    function extend(uint256 leaseSeed, uint256 payerSeed, uint256 addSeed) external {
        uint256 id = _pick(leaseSeed, _isLive);
        if (id == 0) return;
        _extend(id, _payers[payerSeed % _payers.length], bound(addSeed, 1, MAX_EXTENSION));
    }

    function terminateByBuyer(uint256 leaseSeed) external {
        // Mostly an active lease; one time in four any live one, to check that the others are refused.
        uint256 id = leaseSeed % 4 == 0 ? _pick(leaseSeed >> 2, _isLive) : _pick(leaseSeed >> 2, _isActive);
        if (id == 0) return;
        _terminate(id, false);
    }

    function terminateByProvider(uint256 leaseSeed) external {
        uint256 id =
            leaseSeed % 4 == 0 ? _pick(leaseSeed >> 2, _isLive) : _pick(leaseSeed >> 2, _isPendingOrActive);
        if (id == 0) return;
        _terminate(id, true);
    }

    /// @notice Cancels a pending lease, usually after moving time past its activation deadline.
    function cancel(uint256 leaseSeed, uint256 warpSeed) external {
        uint256 id = _pick(leaseSeed, _isPending);
        if (id == 0) return;
        uint256 deadline = store.lease(id).deadline;
        if (_now() <= deadline && warpSeed % 4 != 0) _warpTo(deadline + 1 + bound(warpSeed >> 2, 0, 1 hours));
        _cancel(id);
    }

    /// @notice Closes an activated lease, usually after moving time to its end.
    function close(uint256 leaseSeed, uint256 warpSeed) external {
        uint256 id = _pick(leaseSeed, _isActivatedLive);
        if (id == 0) return;
        MarketStore.LeaseRecord memory r = store.lease(id);
        uint256 end = r.activatedAt + r.bookedDuration;
        if (_now() < end && warpSeed % 4 != 0) _warpTo(end + bound(warpSeed >> 2, 0, 1 hours));
        _close(id);
    }

    /// @notice A provider claims a random subset of its leases (all of them when the subset comes out empty);
    /// when the seed's top bit is set the first lease is listed twice, which must pay it only once.
    function claim(uint256 providerSeed, uint256 subsetSeed) external {
        uint256 np = _providers.length;
        address p = _providers[providerSeed % np];
        // Mostly a provider with something to claim; one time in eight any, whose claim may be refused.
        for (uint256 i = 1; i < np && providerSeed % 8 != 0 && !_anyClaimable(store.leasesOf(p)); ++i) {
            p = _providers[((providerSeed % np) + i) % np];
        }
        uint256[] memory all = store.leasesOf(p);
        if (all.length == 0) return;
        uint256 maxBatch = market.MAX_CLAIM_BATCH();
        uint256[] memory ids = new uint256[](all.length + 1);
        uint256 n;
        for (uint256 i = 0; i < all.length && n < maxBatch; ++i) {
            if ((subsetSeed >> (i % 255)) & 1 == 1) ids[n++] = all[i];
        }
        if (n == 0) {
            for (uint256 i = 0; i < all.length && n < maxBatch; ++i) ids[n++] = all[i];
        }
        if (subsetSeed >> 255 == 1 && n < maxBatch) ids[n++] = ids[0];
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(ids, n)
        }
        _claim(p, ids);
    }

    /*//////////////////////////////////////////////////////////////
                          OFFER AND ADMIN ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice A provider lists a new offer (up to MAX_OFFERS in all): refused while the market is paused.
    function createOffer(
        uint256 providerSeed,
        uint256 tokenSeed,
        uint256 sizeSeed,
        uint256 priceSeed,
        uint256 durationSeed
    ) external {
        if (market.offerCount() >= MAX_OFFERS) return;
        address p = _providers[providerSeed % _providers.length];
        OfferParams memory params;
        params.gpuModel = bytes32("H200-SXM-141GB");
        params.region = bytes8("JP-13");
        params.paymentToken = _tokens()[tokenSeed % 3];
        params.gpusPerUnit = bound(sizeSeed, 1, 8);
        params.totalUnits = bound(sizeSeed >> 8, 1, 8);
        params.pricePerGpuHour = bound(priceSeed, 1, params.paymentToken == grid ? 5e18 : 5e6);
        params.minDuration = bound(durationSeed, 1, 2 hours);
        params.maxDuration = params.minDuration + bound(durationSeed >> 32, 0, 7 days);
        params.repairWindow = bound(durationSeed >> 64, 15 minutes, 2 hours);
        params.minProviderBond = bound(tokenSeed >> 1, 0, params.paymentToken == grid ? 3_000e18 : 3_000e6);
        params.specHash = keccak256("invariant offer");
        params.specURI = "ipfs://spec/invariant";
        bool expectOk = !_ghostPaused && _ghostAllowed[params.paymentToken];
        vm.prank(p);
        try market.createOffer(params) returns (uint256 offerId) {
            _outcome("createOffer", expectOk, true, "");
            _expectEq("offer id", offerId, market.offerCount());
            _basePrice[offerId] = params.pricePerGpuHour;
        } catch (bytes memory err) {
            _outcome("createOffer", expectOk, false, err);
        }
    }

    /// @notice Someone with no part in a lease or offer tries to act on it. Every attempt must be refused with the
    /// custom error that names the wrong caller, whatever state the lease is in.
    function strangerMeddles(uint256 leaseSeed, uint256 kindSeed) external {
        uint256 count = store.leaseCount();
        if (count == 0) return;
        uint256 id = 1 + (leaseSeed % count);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        bytes memory data;
        bytes memory expected;
        uint256 kind = kindSeed % 5;
        if (kind == 0) {
            data = abi.encodeCall(market.terminateLease, (id));
            expected = abi.encodeWithSelector(Errors.Market_NotLeaseParty.selector, id, stranger);
        } else if (kind == 1) {
            data = abi.encodeCall(market.cancelLease, (id));
            expected = abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, id, stranger);
        } else if (kind == 2) {
            data = abi.encodeCall(market.activateLease, (id, hex"01"));
            expected = abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, id, stranger);
        } else if (kind == 3) {
            data = abi.encodeCall(market.claim, (ids));
            expected = abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, id, stranger);
        } else {
            uint256 offerId = store.lease(id).offerId;
            data = abi.encodeCall(market.setOfferPrice, (offerId, 1));
            expected = abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, offerId, stranger);
        }
        vm.prank(stranger);
        (bool ok, bytes memory err) = address(market).call(data);
        _outcome("stranger", false, ok, err);
        if (!ok && keccak256(err) != keccak256(expected)) {
            store.recordMismatch("stranger: wrong error", uint256(bytes32(err)), uint256(bytes32(expected)));
        }
    }

    function setOfferPrice(uint256 offerSeed, uint256 priceSeed) external {
        uint256 offerId = 1 + (offerSeed % market.offerCount());
        address p = market.getOffer(offerId).provider;
        uint256 newPrice = bound(priceSeed, 1, 2 * _basePrice[offerId]);
        vm.prank(p);
        try market.setOfferPrice(offerId, newPrice) {
            _outcome("setOfferPrice", true, true, "");
            _expectEq("offer price after setOfferPrice", market.getOffer(offerId).pricePerGpuHour, newPrice);
        } catch (bytes memory err) {
            _outcome("setOfferPrice", true, false, err);
        }
    }

    function setOfferUnits(uint256 offerSeed, uint256 unitsSeed) external {
        uint256 offerId = 1 + (offerSeed % market.offerCount());
        Offer memory o = market.getOffer(offerId);
        uint256 inUse = _modelUnitsInUse(offerId);
        uint256 newTotal = bound(unitsSeed, 0, inUse + 8);
        bool expectOk = newTotal != 0 && newTotal >= inUse;
        vm.prank(o.provider);
        try market.setOfferUnits(offerId, newTotal) {
            _outcome("setOfferUnits", expectOk, true, "");
        } catch (bytes memory err) {
            _outcome("setOfferUnits", expectOk, false, err);
        }
    }

    /// @notice Mostly resumes a paused offer (found from a random start); with none paused, pauses one a time in
    /// three. One time in eight it asks for the state the offer is already in, which must be refused.
    function setOfferPaused(uint256 offerSeed, uint256 pauseSeed) external {
        uint256 count = market.offerCount();
        uint256 offerId = 1 + (offerSeed % count);
        for (uint256 i = 0; i < count && !market.getOffer(offerId).paused; ++i) {
            offerId = 1 + (((offerSeed % count) + i) % count);
        }
        Offer memory o = market.getOffer(offerId);
        if (!o.paused && pauseSeed % 3 != 0 && pauseSeed % 8 != 0) return;
        bool pause = pauseSeed % 8 == 0 ? o.paused : !o.paused;
        bool expectOk = pause != o.paused;
        vm.prank(o.provider);
        try market.setOfferPaused(offerId, pause) {
            _outcome("setOfferPaused", expectOk, true, "");
        } catch (bytes memory err) {
            _outcome("setOfferPaused", expectOk, false, err);
        }
    }

    /// @notice Pauses the market one time in four, unpauses it otherwise.
    function setMarketPaused(uint256 seed) external {
        bool pause = seed % 4 == 0;
        vm.prank(owner);
        try market.setPaused(pause) {
            _outcome("setPaused", true, true, "");
            _ghostPaused = pause;
            _expectEq("paused flag", market.paused() ? 1 : 0, pause ? 1 : 0);
        } catch (bytes memory err) {
            _outcome("setPaused", true, false, err);
        }
    }

    /// @notice Disallows a payment token one time in four, allows it otherwise. A disallowed token stops new
    /// offers and leases in it; its open leases must still extend, end, refund and pay out.
    function setTokenAllowed(uint256 tokenSeed, uint256 allowSeed) external {
        address token = tokenSeed % 2 == 0 ? usd : grid;
        bool allow = allowSeed % 4 != 0;
        vm.prank(owner);
        try market.setPaymentToken(token, allow) {
            _outcome("setPaymentToken", true, true, "");
            _ghostAllowed[token] = allow;
            _expectEq("token allowed flag", market.isPaymentToken(token) ? 1 : 0, allow ? 1 : 0);
        } catch (bytes memory err) {
            _outcome("setPaymentToken", true, false, err);
        }
    }

    /// @notice Changes the fee for new leases; one value in eleven is above the maximum and must be refused.
    function setProtocolFee(uint256 feeSeed) external {
        uint256 fee = bound(feeSeed, 0, 1_100);
        bool expectOk = fee <= market.MAX_FEE_BPS();
        vm.prank(owner);
        try market.setProtocolFee(fee) {
            _outcome("setProtocolFee", expectOk, true, "");
            _ghostFeeBps = fee;
        } catch (bytes memory err) {
            _outcome("setProtocolFee", expectOk, false, err);
        }
    }

    /// @notice Deposits a bond in one of the three tokens (refused for a token the market does not allow now).
    function depositBond(uint256 providerSeed, uint256 amountSeed) external {
        address p = _providers[providerSeed % _providers.length];
        address token = _tokens()[(providerSeed >> 8) % 3];
        uint256 amount = bound(amountSeed, 0, token == grid ? 3_000e18 : 3_000e6);
        bool expectOk = amount != 0 && _ghostAllowed[token];
        uint256 before = _bal(token, p);
        vm.prank(p);
        try market.depositBond(token, amount) {
            _outcome("depositBond", expectOk, true, "");
            uint256 paid = _decrease("depositBond: provider balance rose", before, _bal(token, p));
            _expectEq("bond pulled", paid, amount);
            store.addBondIn(token, p, paid);
            _expectEq("bond after deposit", market.bondOf(p, token).amount, store.ghostBond(p, token));
        } catch (bytes memory err) {
            _outcome("depositBond", expectOk, false, err);
        }
    }

    /// @notice Mostly withdraws part of what the provider's offers and live leases in that token do not need (so
    /// that its offers stay leasable); one time in eight more than its free bond, which must be refused.
    function withdrawBond(uint256 providerSeed, uint256 amountSeed) external {
        address p = _providers[providerSeed % _providers.length];
        address token = _tokens()[(providerSeed >> 8) % 3];
        uint256 bond = store.ghostBond(p, token);
        uint256 reserved = _reserved(p, token);
        uint256 needed = reserved;
        uint256 offers = market.offerCount();
        for (uint256 id = 1; id <= offers; ++id) {
            Offer memory o = market.getOffer(id);
            // Room for one more of the largest leases the handler opens on the offer.
            uint256 headroom = o.minProviderBond + _penaltyFor(id, _largestDeposit(o));
            if (o.provider == p && o.paymentToken == token && reserved + headroom > needed)
                needed = reserved + headroom;
        }
        uint256 amount;
        if (amountSeed % 8 == 0) amount = bond - reserved + 1;
        else if (bond > needed) amount = bound(amountSeed >> 3, 1, bond - needed);
        else return;
        _withdrawBond(p, token, amount);
    }

    /// @notice Withdraws the fees of a token that has some, usually; one time in eight of any token.
    function withdrawFees(uint256 tokenSeed) external {
        address[3] memory tokens = _tokens();
        address token = tokens[tokenSeed % 3];
        for (uint256 i = 1; i < 3 && tokenSeed % 8 != 0 && market.protocolFees(token) == 0; ++i) {
            token = tokens[((tokenSeed % 3) + i) % 3];
        }
        _withdrawFees(token);
    }

    /*//////////////////////////////////////////////////////////////
                            OUTAGES AND CREDITS
    //////////////////////////////////////////////////////////////*/

    /// @notice The buyer of an active lease reports servers down. With an outage open it mostly raises the count;
    /// one time in eight it asks for a count that must be refused (zero, more than leased, or not a raise).
    function reportOutage(uint256 leaseSeed, uint256 unitsSeed) external {
        uint256 id = _pick(leaseSeed, _isActive);
        if (id == 0) return;
        MarketStore.LeaseRecord memory r = store.lease(id);
        uint256 down = store.outage(id).downUnits;
        uint256 units;
        if (unitsSeed % 8 == 0) units = unitsSeed % 16 == 0 ? 0 : (down != 0 ? down : r.units + 1);
        else units = down < r.units ? bound(unitsSeed >> 4, down + 1, r.units) : r.units;
        _report(id, units);
    }

    /// @notice The provider resolves an open outage (reported first when none is open), usually before its
    /// deadline and the lease's end (after a delay of up to what is left); one time in eight after the deadline,
    /// which must be refused.
    function resolveOutage(uint256 leaseSeed, uint256 delaySeed) external {
        uint256 id = _pick(leaseSeed, _hasOpenOutage);
        if (id == 0) {
            // None open: the buyer of an active lease reports one first (the agent's usual loop).
            id = _pick(leaseSeed, _isActive);
            if (id == 0 || store.outage(id).reports >= MAX_OUTAGE_REPORTS) return;
            _report(id, 1 + ((delaySeed >> 128) % store.lease(id).units));
            if (store.outage(id).since == 0) return;
        }
        uint256 deadline = store.outage(id).deadline;
        uint256 limit = _min(deadline, _modelEnd(store.lease(id)) - 1);
        if (delaySeed % 8 == 0) _warpTo(deadline + 1);
        else if (limit > _now()) _warpBy(bound(delaySeed >> 3, 0, _min(limit - _now(), 2 hours)));
        _resolve(id);
    }

    /// @notice Anyone ends a lease whose outage went unresolved: usually after moving time past the open outage's
    /// repair deadline (when that falls before the end); one time in four without waiting, which is refused
    /// unless the exit is already open.
    function endUnresolvedOutage(uint256 leaseSeed, uint256 warpSeed) external {
        uint256 id = _pick(leaseSeed, _hadOutageLive);
        if (id == 0) return;
        MarketStore.OutageRecord memory o = store.outage(id);
        if (warpSeed % 4 != 0 && o.since != 0 && o.deadline < _modelEnd(store.lease(id)))
            _warpTo(o.deadline + 1);
        _endUnresolved(id);
    }

    /// @notice The busd admin blocklists a buyer (three times in four) or clears it: payouts to a blocklisted buyer
    /// are credited, and its deposits and withdrawals in busd refused.
    /// Mostly the buyer of a live busd lease, whose end will then be credited.
    function setBlocked(uint256 buyerSeed, uint256 flagSeed) external {
        uint256 id = buyerSeed % 8 == 0 ? 0 : _pick(buyerSeed >> 3, _isLiveInBusd);
        address b = id == 0 ? _buyers[buyerSeed % _buyers.length] : store.lease(id).buyer;
        _setBlocked(b, flagSeed % 4 != 0);
    }

    /// @notice A buyer with a credit withdraws it (busd, where credits arise). Seven times in eight the blocklist has
    /// lifted first; otherwise a blocklisted buyer's withdrawal must be refused, keeping the credit.
    function withdrawCredit(uint256 buyerSeed, uint256 tokenSeed) external {
        uint256 n = _buyers.length;
        address b = _buyers[buyerSeed % n];
        // Prefer a buyer that has a credit, so that withdrawals are tried where they can succeed.
        for (uint256 i = 1; i < n && market.credits(busd, b) == 0; ++i)
            b = _buyers[((buyerSeed % n) + i) % n];
        // With no credit anywhere, only one time in sixteen try anyway (refused with Market_NoCredit).
        if (market.credits(busd, b) == 0 && tokenSeed % 16 != 1) return;
        if (tokenSeed % 8 != 0 && _blocked[b]) _setBlocked(b, false);
        _withdrawCredit(b, tokenSeed % 16 == 1 ? usd : busd);
    }

    function warp(uint256 secondsSeed) external {
        _warpBy(bound(secondsSeed, 1, MAX_WARP));
    }

    /*//////////////////////////////////////////////////////////////
                                  DRAIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Ends the story of a run: moves past every lease's end, cancels or closes whatever is still live,
    /// claims everything for every provider, withdraws the fees and every bond. Runs in whatever pause state the
    /// run left the market in, so when paused it also checks that pausing never traps funds. Not fuzzed: the
    /// test calls it from `afterInvariant`.
    function drain() external {
        for (uint256 i = 0; i < _buyers.length; ++i) if (_blocked[_buyers[i]]) _setBlocked(_buyers[i], false);
        _warpBy(market.MAX_LEASE_DURATION() + market.MAX_ACTIVATION_WINDOW() + 1);
        uint256 count = store.leaseCount();
        for (uint256 id = 1; id <= count; ++id) {
            LeaseStatus s = _modelStatus(store.lease(id));
            if (s == LeaseStatus.Pending) _cancel(id);
            else if (s == LeaseStatus.Expired) _close(id);
        }
        for (uint256 i = 0; i < _providers.length; ++i) {
            uint256[] memory ids = store.leasesOf(_providers[i]);
            if (_anyClaimable(ids)) _claim(_providers[i], ids);
        }
        address[3] memory tokens = _tokens();
        for (uint256 k = 0; k < 3; ++k) {
            if (market.protocolFees(tokens[k]) != 0) _withdrawFees(tokens[k]);
            for (uint256 i = 0; i < _buyers.length; ++i) {
                if (market.credits(tokens[k], _buyers[i]) != 0) _withdrawCredit(_buyers[i], tokens[k]);
            }
        }
        for (uint256 i = 0; i < _providers.length; ++i) {
            for (uint256 k = 0; k < 3; ++k) {
                uint256 bond = store.ghostBond(_providers[i], tokens[k]);
                if (bond != 0) _withdrawBond(_providers[i], tokens[k], bond);
            }
        }
    }
}
