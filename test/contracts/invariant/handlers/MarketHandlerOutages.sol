// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketHandlerBase} from "./MarketHandlerBase.sol";
import {MarketStore} from "./MarketStore.sol";
import {IMarketUnderTest} from "../../utils/IMarketUnderTest.sol";
import {BlocklistToken} from "../../mocks/BlocklistToken.sol";
import {LeaseStatus, Outage} from "../../../../contracts/types/DataTypes.sol";

/// @notice The invariant handler's instrumented outage and credit calls: report (and raise), resolve, the
/// buyer's blocklisting in busd, and credit withdrawals. Each predicts the market's answer from the ghost model,
/// checks the market's outage record against the model after a success, and checks that outages move neither
/// capacity nor bond reservations.
abstract contract MarketHandlerOutages is MarketHandlerBase {
    constructor(
        IMarketUnderTest market_,
        MarketStore store_,
        address owner_,
        address stranger_,
        address[] memory buyers_,
        address[] memory providers_
    ) MarketHandlerBase(market_, store_, owner_, stranger_, buyers_, providers_) {}

    struct Untouched {
        uint256 unitsInUse;
        uint256 lockedBond;
        uint256 bond;
    }

    function _report(uint256 id, uint256 units) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        MarketStore.OutageRecord memory o = store.outage(id);
        bool expectOk =
            _modelStatus(r) == LeaseStatus.Active &&
                units != 0 &&
                units <= r.units &&
                o.reports < MAX_OUTAGE_REPORTS &&
                (o.since == 0 || units > o.downUnits);
        uint256 now_ = _now();
        Untouched memory u = _untouched(r);
        vm.prank(r.buyer);
        try market.reportOutage(id, units, keccak256(abi.encode(id, now_))) {
            _outcome("reportOutage", expectOk, true, "");
            if (o.since != 0) {
                // A raise banks the old count's downtime and keeps the deadline.
                o.downUnitSeconds += o.downUnits * (now_ - o.since);
            } else if (o.lastResolved == 0 || now_ >= o.lastResolved + REPORT_COOLDOWN) {
                o.deadline = now_ + market.getOffer(r.offerId).repairWindow;
            }
            o.since = now_;
            o.downUnits = units;
            o.reports += 1;
            store.setOutage(id, o);
            _checkOutage(id, o);
            _checkUntouched(r, u);
        } catch (bytes memory err) {
            _outcome("reportOutage", expectOk, false, err);
        }
    }

    function _resolve(uint256 id) internal {
        MarketStore.LeaseRecord memory r = store.lease(id);
        MarketStore.OutageRecord memory o = store.outage(id);
        uint256 now_ = _now();
        bool expectOk = o.since != 0 && _modelStatus(r) == LeaseStatus.Active && now_ <= o.deadline;
        Untouched memory u = _untouched(r);
        vm.prank(r.provider);
        try market.resolveOutage(id, hex"5ea1ed") {
            _outcome("resolveOutage", expectOk, true, "");
            o.downUnitSeconds += o.downUnits * (now_ - o.since);
            o.extension = o.downUnitSeconds / r.units;
            o.since = 0;
            o.downUnits = 0;
            o.lastResolved = now_;
            store.setOutage(id, o);
            r.outageExtension = o.extension;
            store.setLease(id, r);
            _checkOutage(id, o);
            _checkUntouched(r, u);
            _expectEq("end after resolve", market.getLease(id).end, _modelEnd(r));
        } catch (bytes memory err) {
            _outcome("resolveOutage", expectOk, false, err);
        }
    }

    /// @dev The handler (the token's admin) blocklists or clears a buyer in busd. Not a market call.
    function _setBlocked(address buyer_, bool blocked) internal {
        BlocklistToken(busd).setBlocklisted(buyer_, blocked);
        _blocked[buyer_] = blocked;
    }

    function _withdrawCredit(address account, address token) internal {
        uint256 credit = market.credits(token, account);
        bool expectOk = credit != 0 && !_refuses(token, account);
        uint256 before = _bal(token, account);
        vm.prank(account);
        try market.withdrawCredit(token) returns (uint256 amount) {
            _outcome("withdrawCredit", expectOk, true, "");
            uint256 got = _increase("withdrawCredit: balance fell", before, _bal(token, account));
            _expectEq("credit withdrawn", got, credit);
            _expectEq("credit withdrawn (returned)", amount, credit);
            _expectEq("credit spent", market.credits(token, account), 0);
            store.addCreditWithdrawn(token, got);
        } catch (bytes memory err) {
            _outcome("withdrawCredit", expectOk, false, err);
        }
    }

    /// @dev The market's outage record equals the model's.
    function _checkOutage(uint256 id, MarketStore.OutageRecord memory o) internal {
        Outage memory m = market.getOutage(id);
        _expectEq("outage: since", m.since, o.since);
        _expectEq("outage: down units", m.downUnits, o.downUnits);
        _expectEq("outage: deadline", m.deadline, o.deadline);
        _expectEq("outage: reports", m.reports, o.reports);
        _expectEq("outage: banked down unit-seconds", m.downUnitSeconds, o.downUnitSeconds);
        _expectEq("outage: extension", m.extension, o.extension);
    }

    function _untouched(MarketStore.LeaseRecord memory r) internal view returns (Untouched memory u) {
        u.unitsInUse = market.getOffer(r.offerId).unitsInUse;
        u.lockedBond = market.bondOf(r.provider, r.token).locked;
        u.bond = market.bondOf(r.provider, r.token).amount;
    }

    /// @dev Outages move neither capacity nor bonds.
    function _checkUntouched(MarketStore.LeaseRecord memory r, Untouched memory u) internal {
        _expectEq("outage: units in use unchanged", market.getOffer(r.offerId).unitsInUse, u.unitsInUse);
        _expectEq("outage: reservation unchanged", market.bondOf(r.provider, r.token).locked, u.lockedBond);
        _expectEq("outage: bond unchanged", market.bondOf(r.provider, r.token).amount, u.bond);
    }

    /*//////////////////////////////////////////////////////////////
                            LEASE PREDICATES
    //////////////////////////////////////////////////////////////*/

    /// @dev An active lease with an open outage: one the provider may still resolve, if in time.
    function _hasOpenOutage(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        return _modelStatus(r) == LeaseStatus.Active && store.outage(r.id).since != 0;
    }

    function _isLiveInBusd(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        return !r.ended && r.token == busd;
    }

    function _hadOutageLive(MarketStore.LeaseRecord memory r) internal view returns (bool) {
        return !r.ended && r.activatedAt != 0 && store.outage(r.id).reports != 0;
    }
}
