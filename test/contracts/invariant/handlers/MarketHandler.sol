// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MarketHandlerBase} from "./MarketHandlerBase.sol";
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
abstract contract MarketHandler is MarketHandlerBase {
    constructor(
        IMarketUnderTest market_,
        MarketStore store_,
        address owner_,
        address stranger_,
        address[] memory buyers_,
        address[] memory providers_
    ) MarketHandlerBase(market_, store_, owner_, stranger_, buyers_, providers_) {}

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

    /// @notice Activates a pending lease, after a delay of up to 90 minutes: past the 1-hour window it must fail.
    function activate(uint256 leaseSeed, uint256 delaySeed) external {
        uint256 id = _pick(leaseSeed, _isPending);
        if (id == 0) return;
        uint256 delay = bound(delaySeed, 0, 90 minutes);
        if (delay != 0) _warpBy(delay);
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
        address p = _providers[providerSeed % _providers.length];
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
        params.paymentToken = tokenSeed % 2 == 0 ? usd : grid;
        params.gpusPerUnit = bound(sizeSeed, 1, 8);
        params.totalUnits = bound(sizeSeed >> 8, 1, 8);
        params.pricePerGpuHour = bound(priceSeed, 1, params.paymentToken == usd ? 5e6 : 5e18);
        params.minDuration = bound(durationSeed, 1, 2 hours);
        params.maxDuration = params.minDuration + bound(durationSeed >> 32, 0, 7 days);
        params.repairWindow = bound(durationSeed >> 64, 15 minutes, 2 hours);
        params.minProviderBond = bound(tokenSeed >> 1, 0, 3_000e18);
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

    /// @notice Pauses an offer one time in four, resumes it otherwise; asking for the state it is already in
    /// must be refused.
    function setOfferPaused(uint256 offerSeed, uint256 pauseSeed) external {
        uint256 offerId = 1 + (offerSeed % market.offerCount());
        Offer memory o = market.getOffer(offerId);
        bool pause = pauseSeed % 4 == 0;
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

    function depositBond(uint256 providerSeed, uint256 amountSeed) external {
        address p = _providers[providerSeed % _providers.length];
        uint256 amount = bound(amountSeed, 0, 3_000e18);
        bool expectOk = amount != 0;
        uint256 before = _bal(grid, p);
        vm.prank(p);
        try market.depositBond(amount) {
            _outcome("depositBond", expectOk, true, "");
            uint256 paid = _decrease("depositBond: provider balance rose", before, _bal(grid, p));
            _expectEq("bond pulled", paid, amount);
            store.addBondIn(grid, p, paid);
            _expectEq("bond after deposit", market.getProvider(p).bond, store.ghostBond(p));
        } catch (bytes memory err) {
            _outcome("depositBond", expectOk, false, err);
        }
    }

    function withdrawBond(uint256 providerSeed, uint256 amountSeed) external {
        address p = _providers[providerSeed % _providers.length];
        uint256 bond = store.ghostBond(p);
        // Mostly within the bond; one time in eight a little more, which must be refused.
        uint256 amount = amountSeed % 8 == 0 ? bond + 1 : bound(amountSeed >> 3, 1, bond == 0 ? 1 : bond);
        _withdrawBond(p, amount);
    }

    function withdrawFees(uint256 tokenSeed) external {
        _withdrawFees(tokenSeed % 2 == 0 ? usd : grid);
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
        if (market.protocolFees(usd) != 0) _withdrawFees(usd);
        if (market.protocolFees(grid) != 0) _withdrawFees(grid);
        for (uint256 i = 0; i < _providers.length; ++i) {
            uint256 bond = store.ghostBond(_providers[i]);
            if (bond != 0) _withdrawBond(_providers[i], bond);
        }
    }
}
