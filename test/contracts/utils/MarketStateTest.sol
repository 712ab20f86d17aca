// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Bond, Offer, Provider} from "../../../contracts/types/DataTypes.sol";

/// @notice BaseTest plus a record of everything a rejected call must leave untouched: token balances and credits of
/// every actor and of the market, bonds in every tracked token, protocol fees, counters, and every offer (and its
/// reserved terms), lease (and its terms and top-up allowance), outage and attestation-claim record. Kept apart from BaseTest so that the fixture stays the one shared by all suites.
abstract contract MarketStateTest is BaseTest {
    struct MarketState {
        uint256[] balances; // tracked token x holder, row-major
        uint256[] fees; // protocolFees per tracked token
        uint256[] credits; // credits of failed payouts, tracked token x holder, row-major
        uint256 leaseCount;
        uint256 offerCount;
        bytes32 providersHash; // registrations and bonds (amount and locked) in every tracked token
        bytes32 offersHash; // offers and their reserved terms
        bytes32 leasesHash; // leases, escrows, terms and top-up allowances
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
        address[2] memory providers = [provider, provider2];
        for (uint256 p = 0; p < providers.length; ++p) {
            Provider memory record = market.getProvider(providers[p]);
            s.providersHash = keccak256(abi.encode(s.providersHash, record));
            for (uint256 t = 0; t < n; ++t) {
                Bond memory bond = market.bondOf(providers[p], trackedTokens[t]);
                s.providersHash = keccak256(abi.encode(s.providersHash, bond));
            }
        }
        for (uint256 i = 1; i <= s.offerCount; ++i) {
            Offer memory o = market.getOffer(i);
            s.offersHash = keccak256(abi.encode(s.offersHash, o, market.getOfferTerms(i)));
            s.attestationsHash = keccak256(abi.encode(s.attestationsHash, market.getOfferAttestation(i)));
        }
        for (uint256 i = 1; i <= s.leaseCount; ++i) {
            s.leasesHash = keccak256(abi.encode(s.leasesHash, market.getLease(i), market.escrowOf(i)));
            s.leasesHash = keccak256(
                abi.encode(s.leasesHash, market.getLeaseTerms(i), market.getTopUpAllowance(i))
            );
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
        assertEq(nowState.providersHash, before.providersHash, "provider records or bonds changed");
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
