// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EasBase} from "./EasBase.sol";
import {IAttestationPolicy} from "../../../contracts/attestations/interfaces/IAttestationPolicy.sol";

contract AttestationPolicy_Unit_Test is EasBase {
    // The `check` codes, restated.
    uint8 internal constant ALLOWED = 0;
    uint8 internal constant NO_REQUIREMENT = 1;
    uint8 internal constant NOT_REGISTERED = 2;
    uint8 internal constant ATTESTER_NOT_NAMED = 3;
    uint8 internal constant REVOKED = 4;
    uint8 internal constant EXPIRED = 5;

    uint256 internal offerId;

    function setUp() public virtual override {
        super.setUp();
        offerId = _vettedOffer();
    }

    /*//////////////////////////////////////////////////////////////
                              DEPLOYMENT
    //////////////////////////////////////////////////////////////*/

    function test_WhenDeployed_NamesEasAndMarket() public view {
        assertEq(vetPolicy.EAS(), address(eas), "eas");
        assertEq(vetPolicy.MARKET(), address(market), "market");
        assertEq(vetPolicy.MAX_ATTESTERS(), 8, "max attesters");
    }

    function test_RevertWhen_MarketHasNoCode() public {
        bytes memory initCode = abi.encodePacked(policyCode, abi.encode(eas, stranger));
        vm.expectRevert(abi.encodeWithSelector(IAttestationPolicy.InvalidMarket.selector, stranger));
        _create(initCode);
    }

    /*//////////////////////////////////////////////////////////////
                            setRequirement
    //////////////////////////////////////////////////////////////*/

    function test_WhenRequirementValid_Sets() public {
        address[] memory attesters = _list(vetter, auditor);
        vm.expectEmit(true, true, true, true, address(vetPolicy));
        emit IAttestationPolicy.RequirementSet(offerId, provider, vettingSchema, attesters);
        _require(vettingSchema, attesters);
        (address p, bytes32 schema, address[] memory named) = vetPolicy.getRequirement(offerId);
        assertEq(p, provider, "provider");
        assertEq(schema, vettingSchema, "schema");
        assertEq(named.length, 2, "two attesters");
        assertEq(named[0], vetter, "first");
        assertEq(named[1], auditor, "second");

        // Replaced whole: a shorter list and another schema leave nothing of the first behind.
        _require(auditSchema, _list(auditor2));
        (, schema, named) = vetPolicy.getRequirement(offerId);
        assertEq(schema, auditSchema, "new schema");
        assertEq(named.length, 1, "one attester");
        assertEq(named[0], auditor2, "the new one");
    }

    function test_RevertWhen_CallerNotOfferProvider() public {
        _require(vettingSchema, _list(vetter));
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationPolicy.NotOfferProvider.selector, offerId, stranger)
        );
        vm.prank(stranger);
        vetPolicy.setRequirement(offerId, vettingSchema, _list(stranger));
        // An offer that does not exist has no provider.
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationPolicy.NotOfferProvider.selector, offerId + 1, provider)
        );
        vm.prank(provider);
        vetPolicy.setRequirement(offerId + 1, vettingSchema, _list(vetter));
        _assertRequirement(vettingSchema, vetter);
    }

    function test_RevertWhen_SchemaUnknown() public {
        _require(vettingSchema, _list(vetter));
        bytes32 unknown = keccak256("no such schema");
        vm.expectRevert(abi.encodeWithSelector(IAttestationPolicy.UnknownSchema.selector, unknown));
        vm.prank(provider);
        vetPolicy.setRequirement(offerId, unknown, _list(vetter));
        _assertRequirement(vettingSchema, vetter);
    }

    function test_RevertWhen_AttesterCountOutOfRange() public {
        _require(vettingSchema, _list(vetter));
        uint256[2] memory counts = [uint256(0), 9];
        for (uint256 i = 0; i < counts.length; ++i) {
            address[] memory attesters = new address[](counts[i]);
            for (uint256 j = 0; j < counts[i]; ++j) attesters[j] = address(uint160(0x1000 + j));
            vm.expectRevert(
                abi.encodeWithSelector(IAttestationPolicy.InvalidAttesterCount.selector, counts[i], 8)
            );
            vm.prank(provider);
            vetPolicy.setRequirement(offerId, vettingSchema, attesters);
        }
        _assertRequirement(vettingSchema, vetter);
    }

    function test_RevertWhen_AttesterZeroOrRepeated() public {
        _require(vettingSchema, _list(vetter));
        vm.expectRevert(abi.encodeWithSelector(IAttestationPolicy.InvalidAttester.selector, address(0)));
        vm.prank(provider);
        vetPolicy.setRequirement(offerId, vettingSchema, _list(auditor, address(0)));
        vm.expectRevert(abi.encodeWithSelector(IAttestationPolicy.InvalidAttester.selector, auditor));
        vm.prank(provider);
        vetPolicy.setRequirement(offerId, vettingSchema, _list(auditor, auditor));
        _assertRequirement(vettingSchema, vetter);
    }

    /*//////////////////////////////////////////////////////////////
                          registerAttestation
    //////////////////////////////////////////////////////////////*/

    function test_WhenAttestationValid_Registers() public {
        bytes32 uid = _vet(vetter, buyer, uint64(block.timestamp + 1 days));
        vm.expectEmit(true, true, true, true, address(vetPolicy));
        emit IAttestationPolicy.AttestationRegistered(buyer, vettingSchema, uid, vetter);
        vm.prank(buyer);
        vetPolicy.registerAttestation(uid);
        assertEq(vetPolicy.credentialOf(buyer, vettingSchema), uid, "registered");
        assertEq(vetPolicy.credentialOf(buyer, auditSchema), bytes32(0), "per schema");

        // A second one for the same schema replaces the first.
        bytes32 second = _vet(auditor, buyer, 0);
        vm.prank(buyer);
        vetPolicy.registerAttestation(second);
        assertEq(vetPolicy.credentialOf(buyer, vettingSchema), second, "replaced");
    }

    function test_RevertWhen_AttestationUnknown() public {
        bytes32 uid = keccak256("no such attestation");
        vm.expectRevert(abi.encodeWithSelector(IAttestationPolicy.UnknownAttestation.selector, uid));
        vm.prank(buyer);
        vetPolicy.registerAttestation(uid);
        assertEq(vetPolicy.credentialOf(buyer, bytes32(0)), bytes32(0), "nothing registered");
    }

    function test_RevertWhen_CallerNotRecipient() public {
        bytes32 uid = _vet(vetter, buyer, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationPolicy.NotAttestationRecipient.selector, uid, buyer)
        );
        vm.prank(buyer2);
        vetPolicy.registerAttestation(uid);
        assertEq(vetPolicy.credentialOf(buyer2, vettingSchema), bytes32(0), "nothing registered");
    }

    function test_RevertWhen_AttestationRevoked() public {
        bytes32 uid = _vet(vetter, buyer, 0);
        _revoke(vetter, vettingSchema, uid);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationPolicy.AttestationRevoked.selector,
                uid,
                uint64(block.timestamp)
            )
        );
        vm.prank(buyer);
        vetPolicy.registerAttestation(uid);
        assertEq(vetPolicy.credentialOf(buyer, vettingSchema), bytes32(0), "nothing registered");
    }

    function test_RevertWhen_AttestationExpired() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        bytes32 uid = _vet(vetter, buyer, expiry);
        vm.warp(expiry);
        vm.expectRevert(abi.encodeWithSelector(IAttestationPolicy.AttestationExpired.selector, uid, expiry));
        vm.prank(buyer);
        vetPolicy.registerAttestation(uid);
        assertEq(vetPolicy.credentialOf(buyer, vettingSchema), bytes32(0), "nothing registered");
    }

    /*//////////////////////////////////////////////////////////////
                          check and isAllowed
    //////////////////////////////////////////////////////////////*/

    function test_GivenNoRequirement_RefusesEveryone() public {
        _register(buyer, _vet(vetter, buyer, 0));
        assertEq(vetPolicy.check(offerId, buyer), NO_REQUIREMENT, "code");
        assertFalse(vetPolicy.isAllowed(provider, offerId, buyer), "refused");
    }

    function test_GivenNotRegistered_Refuses() public {
        _require(vettingSchema, _list(vetter));
        assertEq(vetPolicy.check(offerId, buyer), NOT_REGISTERED, "nothing registered");
        assertFalse(vetPolicy.isAllowed(provider, offerId, buyer), "refused");
        // A credential of another schema does not count (the provider, recipient of an audit, as the buyer).
        _register(provider, _audit(vetter, offerId));
        assertEq(vetPolicy.check(offerId, provider), NOT_REGISTERED, "an audit is not a vetting");
    }

    function test_GivenAttesterNotNamed_Refuses() public {
        _require(vettingSchema, _list(vetter));
        _register(buyer, _vet(auditor2, buyer, 0));
        assertEq(vetPolicy.check(offerId, buyer), ATTESTER_NOT_NAMED, "code");
        assertFalse(vetPolicy.isAllowed(provider, offerId, buyer), "refused");
    }

    function test_GivenRevokedAfterRegistering_Refuses() public {
        _require(vettingSchema, _list(vetter));
        bytes32 uid = _vet(vetter, buyer, 0);
        _register(buyer, uid);
        _revoke(vetter, vettingSchema, uid);
        assertEq(vetPolicy.check(offerId, buyer), REVOKED, "code");
        assertFalse(vetPolicy.isAllowed(provider, offerId, buyer), "refused");
    }

    function test_GivenExpiredAfterRegistering_Refuses() public {
        _require(vettingSchema, _list(vetter));
        uint64 expiry = uint64(block.timestamp + 1 days);
        _register(buyer, _vet(vetter, buyer, expiry));
        vm.warp(expiry - 1);
        assertEq(vetPolicy.check(offerId, buyer), ALLOWED, "valid until the second before");
        vm.warp(expiry);
        assertEq(vetPolicy.check(offerId, buyer), EXPIRED, "code");
        assertFalse(vetPolicy.isAllowed(provider, offerId, buyer), "refused");
    }

    function test_GivenValidAttestationByANamedAttester_Allows() public {
        _require(vettingSchema, _list(auditor, vetter));
        _register(buyer, _vet(vetter, buyer, 0));
        assertEq(vetPolicy.check(offerId, buyer), ALLOWED, "code");
        assertTrue(vetPolicy.isAllowed(provider, offerId, buyer), "allowed");
        // Only for the provider that set the requirement, and only for that buyer.
        assertFalse(vetPolicy.isAllowed(provider2, offerId, buyer), "another provider's question");
        assertFalse(vetPolicy.isAllowed(provider, offerId, buyer2), "another buyer");
    }

    function _require(bytes32 schema, address[] memory attesters) internal {
        vm.prank(provider);
        vetPolicy.setRequirement(offerId, schema, attesters);
    }

    function _register(address who, bytes32 uid) internal {
        vm.prank(who);
        vetPolicy.registerAttestation(uid);
    }

    function _assertRequirement(bytes32 schema, address attester) internal view {
        (address p, bytes32 s, address[] memory named) = vetPolicy.getRequirement(offerId);
        assertEq(p, provider, "provider unchanged");
        assertEq(s, schema, "schema unchanged");
        assertEq(named.length, 1, "list unchanged");
        assertEq(named[0], attester, "attester unchanged");
    }
}
