// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Offer, Provider} from "../../../contracts/types/DataTypes.sol";

/// @notice BaseTest plus a record of everything a rejected call must leave untouched: token balances and credits of
/// every actor and of the market, bonds, protocol fees, counters, and every offer, lease, outage and attestation-claim
/// record. Kept apart from BaseTest so that the fixture stays the one shared by all suites.
abstract contract MarketStateTest is BaseTest {
    struct MarketState {
        uint256[] balances; // tracked token x holder, row-major
        uint256[] fees; // protocolFees per tracked token
        uint256[] credits; // credits of failed payouts, tracked token x holder, row-major
        uint256 leaseCount;
        uint256 offerCount;
        bytes32 providersHash;
        bytes32 offersHash;
        bytes32 leasesHash;
        bytes32 outagesHash;
        bytes32 attestationsHash;
        bool paused;
        uint256 feeBps;
    }

    address[] internal trackedTokens;
    address[] internal extraHolders;

    function setUp() public virtual override {
        super.setUp();
        trackedTokens.push(address(usd));
        trackedTokens.push(address(grid));
    }

    /// @dev Adds a token (a mock under test) to the balances that `_assertUnchanged` compares.
    function _track(address token) internal {
        trackedTokens.push(token);
    }

    /// @dev Adds an account (an attacker contract, a second market) whose balances must not change either.
    function _trackHolder(address holder) internal {
        extraHolders.push(holder);
    }

    function _holders() internal view returns (address[] memory list) {
        address[8] memory fixed_ = [
            address(market),
            provider,
            provider2,
            buyer,
            buyer2,
            stranger,
            treasury,
            address(this)
        ];
        list = new address[](fixed_.length + extraHolders.length);
        for (uint256 i = 0; i < fixed_.length; ++i) list[i] = fixed_[i];
        for (uint256 i = 0; i < extraHolders.length; ++i) list[fixed_.length + i] = extraHolders[i];
    }

    function _captureState() internal view returns (MarketState memory s) {
        address[] memory holders = _holders();
        uint256 n = trackedTokens.length;
        s.balances = new uint256[](n * holders.length);
        s.fees = new uint256[](n);
        s.credits = new uint256[](n * holders.length);
        for (uint256 t = 0; t < n; ++t) {
            for (uint256 h = 0; h < holders.length; ++h) {
                s.balances[t * holders.length + h] = IERC20(trackedTokens[t]).balanceOf(holders[h]);
                s.credits[t * holders.length + h] = market.credits(trackedTokens[t], holders[h]);
            }
            s.fees[t] = market.protocolFees(trackedTokens[t]);
        }
        s.leaseCount = market.leaseCount();
        s.offerCount = market.offerCount();
        Provider memory p1 = market.getProvider(provider);
        Provider memory p2 = market.getProvider(provider2);
        s.providersHash = keccak256(abi.encode(p1, p2));
        for (uint256 i = 1; i <= s.offerCount; ++i) {
            Offer memory o = market.getOffer(i);
            s.offersHash = keccak256(abi.encode(s.offersHash, o));
            s.attestationsHash = keccak256(abi.encode(s.attestationsHash, market.getOfferAttestation(i)));
        }
        for (uint256 i = 1; i <= s.leaseCount; ++i) {
            s.leasesHash = keccak256(abi.encode(s.leasesHash, market.getLease(i), market.escrowOf(i)));
            s.outagesHash = keccak256(abi.encode(s.outagesHash, market.getOutage(i)));
        }
        s.paused = market.paused();
        s.feeBps = market.feeBps();
    }

    function _assertUnchanged(MarketState memory before) internal view {
        MarketState memory nowState = _captureState();
        for (uint256 i = 0; i < before.balances.length; ++i) {
            assertEq(nowState.balances[i], before.balances[i], "token balance changed");
        }
        for (uint256 i = 0; i < before.fees.length; ++i) {
            assertEq(nowState.fees[i], before.fees[i], "protocol fees changed");
        }
        for (uint256 i = 0; i < before.credits.length; ++i) {
            assertEq(nowState.credits[i], before.credits[i], "credit changed");
        }
        assertEq(nowState.leaseCount, before.leaseCount, "lease count changed");
        assertEq(nowState.offerCount, before.offerCount, "offer count changed");
        assertEq(nowState.providersHash, before.providersHash, "provider records changed");
        assertEq(nowState.offersHash, before.offersHash, "offer records changed");
        assertEq(nowState.leasesHash, before.leasesHash, "lease records changed");
        assertEq(nowState.outagesHash, before.outagesHash, "outage records changed");
        assertEq(nowState.attestationsHash, before.attestationsHash, "attestation claims changed");
        assertEq(nowState.paused, before.paused, "pause flag changed");
        assertEq(nowState.feeBps, before.feeBps, "fee changed");
    }

    /*//////////////////////////////////////////////////////////////
                              LEASE HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Opens and activates a lease of the default offer for `buyer`.
    function _openActive(uint256 offerId, uint256 units, uint256 duration) internal returns (uint256 id) {
        id = _open(buyer, offerId, units, duration);
        _activate(id);
    }

    /// @dev Expects the next event from the market with every topic and the data checked.
    function _expectMarketEvent() internal {
        vm.expectEmit(true, true, true, true, address(market));
    }
}
