// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {PlainToken} from "../mocks/PlainToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {Offer, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract Offers_Unit_Test is MarketStateTest {
    uint256 internal constant MAX_GPUS = 1_024;
    uint256 internal constant MAX_UNITS = type(uint16).max;
    uint256 internal constant MAX_DURATION = 1_096 days;
    uint256 internal constant CONFIG_SLOT = 2; // Ownable._owner, Ownable2Step._pendingOwner, then _config

    /*//////////////////////////////////////////////////////////////
                              CREATE OFFER
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_MarketPaused() public {
        vm.prank(owner);
        market.setPaused(true);
        OfferParams memory p = _h100Params();
        vm.expectRevert(Errors.Market_Paused.selector);
        _createOffer(p);
    }

    function test_RevertWhen_GpuModelEmpty() public {
        OfferParams memory p = _h100Params();
        p.gpuModel = bytes32(0);
        vm.expectRevert(Errors.Market_EmptyLabel.selector);
        _createOffer(p);
    }

    function test_RevertWhen_RegionEmpty() public {
        OfferParams memory p = _h100Params();
        p.region = bytes8(0);
        vm.expectRevert(Errors.Market_EmptyLabel.selector);
        _createOffer(p);
    }

    function test_RevertWhen_PolicyHasNoCode() public {
        OfferParams memory p = _h100Params();
        p.buyerPolicy = address(0xBAD);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_PolicyNotContract.selector, address(0xBAD)));
        _createOffer(p);
        _assertUnchanged(before);
    }

    function test_RevertGiven_ProviderNotRegistered() public {
        OfferParams memory p = _h100Params();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_ProviderNotRegistered.selector, provider2));
        vm.prank(provider2);
        market.createOffer(p);
    }

    function test_RevertGiven_OfferIdSpaceExhausted() public {
        _setNextOfferId(uint256(type(uint32).max) + 1);
        OfferParams memory p = _h100Params();
        vm.expectRevert(Errors.Market_OfferIdsExhausted.selector);
        _createOffer(p);
    }

    function test_GivenLastOfferId_Create() public {
        _setNextOfferId(type(uint32).max);
        uint256 offerId = _createDefaultOffer();
        assertEq(offerId, type(uint32).max, "last 32-bit id");
        uint256 leaseId = _open(buyer, offerId, 1, 1 hours);
        assertEq(market.getLease(leaseId).offerId, type(uint32).max, "lease keeps the full id");
    }

    function test_RevertWhen_TokenNeverListed() public {
        PlainToken other = new PlainToken("OTHER");
        OfferParams memory p = _h100Params();
        p.paymentToken = address(other);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenNotAllowed.selector, address(other)));
        _createOffer(p);
    }

    function test_RevertWhen_TokenZero() public {
        OfferParams memory p = _h100Params();
        p.paymentToken = address(0);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenNotAllowed.selector, address(0)));
        _createOffer(p);
    }

    function test_RevertWhen_TokenNoLongerAllowed() public {
        vm.prank(owner);
        market.setPaymentToken(address(usd), false);
        OfferParams memory p = _h100Params();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenNotAllowed.selector, address(usd)));
        _createOffer(p);
    }

    function test_RevertWhen_GpusPerUnitZero() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 0;
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidGpusPerUnit.selector, 0, MAX_GPUS));
        _createOffer(p);
    }

    function test_RevertWhen_GpusPerUnitAboveMax() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = MAX_GPUS + 1;
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidGpusPerUnit.selector, MAX_GPUS + 1, MAX_GPUS)
        );
        _createOffer(p);
    }

    function test_RevertWhen_TotalUnitsZero() public {
        OfferParams memory p = _h100Params();
        p.totalUnits = 0;
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidUnits.selector, 0, MAX_UNITS));
        _createOffer(p);
    }

    function test_RevertWhen_TotalUnitsAboveMax() public {
        OfferParams memory p = _h100Params();
        p.totalUnits = MAX_UNITS + 1;
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidUnits.selector, MAX_UNITS + 1, MAX_UNITS)
        );
        _createOffer(p);
    }

    function test_RevertWhen_PriceZero() public {
        OfferParams memory p = _h100Params();
        p.pricePerGpuHour = 0;
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidPrice.selector, 0, type(uint96).max));
        _createOffer(p);
    }

    function test_RevertWhen_PriceAboveUint96() public {
        OfferParams memory p = _h100Params();
        p.pricePerGpuHour = uint256(type(uint96).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_InvalidPrice.selector,
                uint256(type(uint96).max) + 1,
                type(uint96).max
            )
        );
        _createOffer(p);
    }

    function test_RevertWhen_MinDurationZero() public {
        OfferParams memory p = _h100Params();
        p.minDuration = 0;
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidDurationRange.selector, 0, 30 days, MAX_DURATION)
        );
        _createOffer(p);
    }

    function test_RevertWhen_MinDurationAboveMaxDuration() public {
        OfferParams memory p = _h100Params();
        p.minDuration = 30 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_InvalidDurationRange.selector,
                30 days + 1,
                30 days,
                MAX_DURATION
            )
        );
        _createOffer(p);
    }

    function test_RevertWhen_MaxDurationAboveCap() public {
        OfferParams memory p = _h100Params();
        p.maxDuration = MAX_DURATION + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_InvalidDurationRange.selector,
                1 hours,
                MAX_DURATION + 1,
                MAX_DURATION
            )
        );
        _createOffer(p);
    }

    function test_RevertWhen_MinBondAboveUint104() public {
        OfferParams memory p = _h100Params();
        p.minProviderBond = uint256(type(uint104).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_InvalidBond.selector,
                uint256(type(uint104).max) + 1,
                type(uint104).max
            )
        );
        _createOffer(p);
    }

    function test_WhenParamsValid_Create() public {
        OfferParams memory p = _h100Params();
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferCreated(1, provider, address(usd), p);
        uint256 offerId = _createOffer(p);

        assertEq(offerId, 1, "first id");
        assertEq(market.offerCount(), 1, "market count");
        Offer memory o = market.getOffer(offerId);
        assertEq(o.provider, provider, "provider");
        assertEq(o.gpusPerUnit, 8, "gpus");
        assertEq(o.totalUnits, 16, "units");
        assertEq(o.unitsInUse, 0, "in use");
        assertFalse(o.paused, "not paused");
        assertFalse(o.hasPolicy, "no policy");
        assertEq(o.maxDuration, 30 days, "max duration");
        assertEq(o.paymentToken, address(usd), "token");
        assertEq(o.pricePerGpuHour, H100_PRICE, "price");
        assertEq(o.minDuration, 1 hours, "min duration");
        assertEq(o.minProviderBond, MIN_BOND, "min bond");
        assertEq(o.region, bytes8("AU-QLD"), "region");
        assertEq(o.tokenIndex, 0, "usd is the first token");
        assertEq(o.buyerPolicy, address(0), "policy");
        assertEq(o.gpuModel, bytes32("H100-SXM-80GB"), "model");
        assertEq(o.specHash, keccak256("spec"), "spec hash");
    }

    function test_WhenParamsValid_SecondTokenAndPolicy() public {
        OfferParams memory p = _h100Params();
        p.paymentToken = address(grid);
        p.buyerPolicy = address(policy);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferCreated(1, provider, address(grid), p);
        uint256 offerId = _createOffer(p);
        Offer memory o = market.getOffer(offerId);
        assertEq(o.tokenIndex, 1, "grid is the second token");
        assertTrue(o.hasPolicy, "has policy");
        assertEq(o.buyerPolicy, address(policy), "policy");
    }

    function test_WhenParamsAtUpperBounds_Create() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = MAX_GPUS;
        p.totalUnits = MAX_UNITS;
        p.pricePerGpuHour = type(uint96).max;
        p.minDuration = MAX_DURATION;
        p.maxDuration = MAX_DURATION;
        p.minProviderBond = type(uint104).max;
        uint256 offerId = _createOffer(p);
        Offer memory o = market.getOffer(offerId);
        assertEq(o.gpusPerUnit, MAX_GPUS, "gpus");
        assertEq(o.totalUnits, MAX_UNITS, "units");
        assertEq(o.pricePerGpuHour, type(uint96).max, "price");
        assertEq(o.minDuration, MAX_DURATION, "min");
        assertEq(o.maxDuration, MAX_DURATION, "max");
        assertEq(o.minProviderBond, type(uint104).max, "bond");
    }

    function test_WhenParamsAtLowerBounds_Create() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.totalUnits = 1;
        p.pricePerGpuHour = 1;
        p.minDuration = 1;
        p.maxDuration = 1;
        p.minProviderBond = 0;
        uint256 offerId = _createOffer(p);
        Offer memory o = market.getOffer(offerId);
        assertEq(o.gpusPerUnit, 1, "gpus");
        assertEq(o.totalUnits, 1, "units");
        assertEq(o.pricePerGpuHour, 1, "price");
        assertEq(o.minDuration, 1, "min");
        assertEq(o.maxDuration, 1, "max");
        assertEq(o.minProviderBond, 0, "bond");
    }

    function test_WhenProviderBondBelowOfferMinimum_Create() public {
        // The bond is checked when a lease opens, not when the offer is listed.
        OfferParams memory p = _h100Params();
        p.minProviderBond = PROVIDER_BOND * 10;
        uint256 offerId = _createOffer(p);
        assertEq(market.getOffer(offerId).minProviderBond, PROVIDER_BOND * 10, "stored");
    }

    /*//////////////////////////////////////////////////////////////
                             SET OFFER PRICE
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_SetPriceUnknownOffer() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 7));
        vm.prank(provider);
        market.setOfferPrice(7, 1);
    }

    function test_RevertWhen_SetPriceNotProvider() public {
        uint256 offerId = _createDefaultOffer();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, offerId, provider2));
        vm.prank(provider2);
        market.setOfferPrice(offerId, 1);
    }

    function test_RevertWhen_SetPriceZero() public {
        uint256 offerId = _createDefaultOffer();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidPrice.selector, 0, type(uint96).max));
        vm.prank(provider);
        market.setOfferPrice(offerId, 0);
    }

    function test_RevertWhen_SetPriceAboveUint96() public {
        uint256 offerId = _createDefaultOffer();
        uint256 tooHigh = uint256(type(uint96).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidPrice.selector, tooHigh, type(uint96).max)
        );
        vm.prank(provider);
        market.setOfferPrice(offerId, tooHigh);
    }

    function test_WhenSetPriceValid() public {
        uint256 offerId = _createDefaultOffer();
        uint256 oldLease = _open(buyer, offerId, 1, 2 hours);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferPriceChanged(offerId, H100_PRICE, 2_400_000);
        vm.prank(provider);
        market.setOfferPrice(offerId, 2_400_000);

        assertEq(market.getOffer(offerId).pricePerGpuHour, 2_400_000, "offer price");
        assertEq(market.getLease(oldLease).pricePerGpuHour, H100_PRICE, "open lease keeps its price");
        assertEq(market.getLease(oldLease).deposit, _cost(H100_PRICE, 8, 2 hours), "open lease deposit");
        uint256 newLease = _open(buyer, offerId, 1, 2 hours);
        assertEq(market.getLease(newLease).pricePerGpuHour, 2_400_000, "new lease at the new price");
    }

    /*//////////////////////////////////////////////////////////////
                             SET OFFER UNITS
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_SetUnitsUnknownOffer() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 0));
        vm.prank(provider);
        market.setOfferUnits(0, 1);
    }

    function test_RevertWhen_SetUnitsNotProvider() public {
        uint256 offerId = _createDefaultOffer();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, offerId, buyer));
        vm.prank(buyer);
        market.setOfferUnits(offerId, 1);
    }

    function test_RevertWhen_SetUnitsZero() public {
        uint256 offerId = _createDefaultOffer();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidUnits.selector, 0, MAX_UNITS));
        vm.prank(provider);
        market.setOfferUnits(offerId, 0);
    }

    function test_RevertWhen_SetUnitsAboveMax() public {
        uint256 offerId = _createDefaultOffer();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidUnits.selector, MAX_UNITS + 1, MAX_UNITS)
        );
        vm.prank(provider);
        market.setOfferUnits(offerId, MAX_UNITS + 1);
    }

    function test_RevertWhen_SetUnitsBelowInUse() public {
        uint256 offerId = _createDefaultOffer();
        _open(buyer, offerId, 5, 1 hours);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsBelowInUse.selector, offerId, 4, 5));
        vm.prank(provider);
        market.setOfferUnits(offerId, 4);
    }

    function test_WhenSetUnitsValid() public {
        uint256 offerId = _createDefaultOffer();
        _open(buyer, offerId, 5, 1 hours);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferUnitsChanged(offerId, 16, 5);
        vm.prank(provider);
        market.setOfferUnits(offerId, 5);
        assertEq(market.getOffer(offerId).totalUnits, 5, "down to the units in use");

        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, offerId, 1, 0));
        _open(buyer, offerId, 1, 1 hours);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferUnitsChanged(offerId, 5, MAX_UNITS);
        vm.prank(provider);
        market.setOfferUnits(offerId, MAX_UNITS);
        assertEq(market.getOffer(offerId).totalUnits, MAX_UNITS, "up to the cap");
        assertEq(market.getOffer(offerId).unitsInUse, 5, "in use untouched");
    }

    /*//////////////////////////////////////////////////////////////
                            SET OFFER PAUSED
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_SetPausedUnknownOffer() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 3));
        vm.prank(provider);
        market.setOfferPaused(3, true);
    }

    function test_RevertWhen_SetPausedNotProvider() public {
        uint256 offerId = _createDefaultOffer();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, offerId, owner));
        vm.prank(owner);
        market.setOfferPaused(offerId, true);
    }

    function test_RevertGiven_AlreadyRunning() public {
        uint256 offerId = _createDefaultOffer();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OfferAlreadyInState.selector, offerId, false));
        vm.prank(provider);
        market.setOfferPaused(offerId, false);
    }

    function test_RevertGiven_AlreadyPaused() public {
        uint256 offerId = _createDefaultOffer();
        vm.startPrank(provider);
        market.setOfferPaused(offerId, true);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OfferAlreadyInState.selector, offerId, true));
        market.setOfferPaused(offerId, true);
        vm.stopPrank();
    }

    function test_GivenRunning_Pause() public {
        uint256 offerId = _createDefaultOffer();
        uint256 leaseId = _open(buyer, offerId, 1, 2 hours);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferPausedSet(offerId, true);
        vm.prank(provider);
        market.setOfferPaused(offerId, true);
        assertTrue(market.getOffer(offerId).paused, "paused");

        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OfferPaused.selector, offerId));
        _open(buyer, offerId, 1, 1 hours);

        // The open lease carries on: it activates, extends and ends as usual.
        _activate(leaseId);
        vm.prank(buyer);
        market.extendLease(leaseId, 1 hours);
        vm.warp(START_TIME + 3 hours);
        market.closeLease(leaseId);
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");
    }

    function test_GivenPaused_Resume() public {
        uint256 offerId = _createDefaultOffer();
        vm.prank(provider);
        market.setOfferPaused(offerId, true);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferPausedSet(offerId, false);
        vm.prank(provider);
        market.setOfferPaused(offerId, false);
        assertFalse(market.getOffer(offerId).paused, "running");
        uint256 leaseId = _open(buyer, offerId, 1, 1 hours);
        assertEq(leaseId, 1, "leases open again");
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Overwrites the low 64 bits of the packed config slot (`nextOfferId`), keeping the rest.
    function _setNextOfferId(uint256 next) internal {
        bytes32 word = vm.load(address(market), bytes32(CONFIG_SLOT));
        assertEq(uint256(word) & type(uint64).max, 1, "layout: nextOfferId is the low 64 bits");
        uint256 updated = (uint256(word) & ~uint256(type(uint64).max)) | next;
        vm.store(address(market), bytes32(CONFIG_SLOT), bytes32(updated));
        assertEq(market.offerCount(), next - 1, "offerCount follows");
    }
}
