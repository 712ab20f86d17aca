// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EasBase} from "../unit/EasBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {LeaseStatus} from "../../../contracts/types/DataTypes.sol";

/// @notice The AttestationPolicy behind the market's real `openLease`: the market asks the policy at every lease,
/// so a credential revoked or expired after its registration, an attester the provider does not name, or an offer
/// with no requirement all end in the market's own refusal, changing nothing.
contract AttestationPolicyLeases_Adversarial_Test is EasBase {
    uint256 internal offerId;

    function setUp() public virtual override {
        super.setUp();
        offerId = _vettedOffer();
    }

    function test_GivenVettedBuyer_OpensLease() public {
        _require(_list(vetter));
        _register(buyer, _vet(vetter, buyer, uint64(block.timestamp + 30 days)));
        uint256 leaseId = _open(buyer, offerId, 1, 1 hours);
        assertEq(uint8(market.getLease(leaseId).status), uint8(LeaseStatus.Pending), "leased");
    }

    function test_GivenBuyerVettedByAnUnnamedAttester_MarketRefuses() public {
        _require(_list(vetter));
        _register(buyer2, _vet(auditor2, buyer2, 0));
        _expectMarketRefuses(buyer2);
    }

    function test_GivenVettingRevokedAfterRegistering_MarketRefuses() public {
        _require(_list(vetter));
        bytes32 uid = _vet(vetter, buyer, 0);
        _register(buyer, uid);
        _revoke(vetter, vettingSchema, uid);
        _expectMarketRefuses(buyer);
    }

    function test_GivenVettingExpiredAfterRegistering_MarketRefuses() public {
        _require(_list(vetter));
        uint64 expiry = uint64(block.timestamp + 1 days);
        _register(buyer, _vet(vetter, buyer, expiry));
        vm.warp(expiry);
        _expectMarketRefuses(buyer);
    }

    function test_GivenNoRequirement_MarketRefusesEveryone() public {
        _register(buyer, _vet(vetter, buyer, 0));
        _expectMarketRefuses(buyer);
    }

    function test_GivenProviderDropsTheAttester_MarketRefusesFromThen() public {
        _require(_list(vetter));
        _register(buyer, _vet(vetter, buyer, 0));
        uint256 leaseId = _open(buyer, offerId, 1, 1 hours);
        _require(_list(auditor));
        _expectMarketRefuses(buyer);
        // The lease already open is not the policy's business.
        _activate(leaseId);
        assertEq(uint8(market.getLease(leaseId).status), uint8(LeaseStatus.Active), "still runs");
    }

    function test_GivenEightAttesters_FitsThePolicyGas() public {
        address[] memory attesters = new address[](8);
        for (uint256 i = 0; i < 8; ++i) attesters[i] = address(uint160(0xA7700 + i));
        _require(attesters);
        // Vetted by the last one named: isAllowed reads the whole list within the market's POLICY_GAS.
        _register(buyer, _vet(attesters[7], buyer, 0));
        uint256 leaseId = _open(buyer, offerId, 1, 1 hours);
        assertEq(uint8(market.getLease(leaseId).status), uint8(LeaseStatus.Pending), "leased");
    }

    function _require(address[] memory attesters) internal {
        vm.prank(provider);
        vetPolicy.setRequirement(offerId, vettingSchema, attesters);
    }

    function _register(address who, bytes32 uid) internal {
        vm.prank(who);
        vetPolicy.registerAttestation(uid);
    }

    function _expectMarketRefuses(address who) internal {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, offerId, who));
        _open(who, offerId, 1, 1 hours);
        _assertUnchanged(before);
    }
}
