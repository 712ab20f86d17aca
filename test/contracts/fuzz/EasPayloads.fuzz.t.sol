// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AttestationRequest} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";
import {EasBase} from "../unit/EasBase.sol";
import {IGridleaseAuditResolver} from "../../../contracts/attestations/interfaces/IGridleaseAuditResolver.sol";
import {IGridleaseReviewResolver} from "../../../contracts/attestations/interfaces/IGridleaseReviewResolver.sol";
import {IGridleaseVettingResolver} from "../../../contracts/attestations/interfaces/IGridleaseVettingResolver.sol";
import {IGridleaseSchemaResolver} from "../../../contracts/attestations/interfaces/IGridleaseSchemaResolver.sol";
import {IAttestationPolicy} from "../../../contracts/attestations/interfaces/IAttestationPolicy.sol";

/// @notice Any payload, any field value, any attester list: the resolvers and the policy either accept or answer
/// with one of their named errors, never a panic nor an empty revert; scores and lists are accepted exactly when
/// the rules say.
contract EasPayloadsFuzzTest is EasBase {
    uint256 internal offerId;
    uint256 internal leaseId;

    function setUp() public virtual override {
        super.setUp();
        offerId = _createDefaultOffer();
        leaseId = _openActive(offerId, 1, 2 hours);
    }

    function testFuzz_AnyAuditPayloadIsAcceptedOrNamed(bytes calldata data, bool expires) public {
        uint64 expiry = expires ? uint64(block.timestamp + 1 days) : 0;
        bytes4 selector = _attempt(auditor, auditSchema, provider, expiry, true, data);
        bool named =
            selector == bytes4(0) ||
                selector == IGridleaseSchemaResolver.MalformedPayload.selector ||
                selector == IGridleaseSchemaResolver.NonCanonicalField.selector ||
                selector == IGridleaseAuditResolver.UnknownOffer.selector ||
                selector == IGridleaseAuditResolver.InvalidVerdict.selector ||
                selector == IGridleaseAuditResolver.AuditValidUntilPassed.selector ||
                selector == IGridleaseAuditResolver.AuditExpiryMismatch.selector;
        assertTrue(named, "accepted, or refused with a named error");
        if (data.length != 128) {
            assertEq(selector, IGridleaseSchemaResolver.MalformedPayload.selector, "length first");
        }
    }

    function testFuzz_AnyAuditWordsAreAcceptedOrNamed(
        uint256 id,
        uint256 verdict,
        uint256 validUntil,
        bool exact
    ) public {
        if (id % 2 == 0) id = offerId;
        if (validUntil % 3 == 0) validUntil = bound(validUntil, block.timestamp + 1, type(uint64).max);
        if (verdict % 2 == 0) verdict = bound(verdict, 0, 3);
        uint64 expiry =
            exact && validUntil > block.timestamp && validUntil <= type(uint64).max ? uint64(validUntil) : 0;
        bytes memory data = abi.encode(id, REPORT_HASH, verdict, validUntil);
        bytes4 selector = _attempt(auditor, auditSchema, provider, expiry, true, data);
        bool valid =
            verdict <= type(uint8).max &&
                validUntil <= type(uint64).max &&
                id == offerId &&
                (verdict == 1 || verdict == 2) &&
                validUntil > block.timestamp &&
                expiry == validUntil;
        assertEq(selector == bytes4(0), valid, "accepted exactly when every rule holds");
        if (verdict > type(uint8).max) {
            assertEq(selector, IGridleaseSchemaResolver.NonCanonicalField.selector, "verdict out of uint8");
        }
    }

    function testFuzz_AnyReviewPayloadIsAcceptedOrNamed(bytes calldata data) public {
        bytes4 selector = _attempt(buyer, reviewSchema, provider, 0, false, data);
        bool named =
            selector == bytes4(0) ||
                selector == IGridleaseSchemaResolver.MalformedPayload.selector ||
                selector == IGridleaseSchemaResolver.NonCanonicalField.selector ||
                selector == IGridleaseReviewResolver.UnknownLease.selector ||
                selector == IGridleaseReviewResolver.InvalidScore.selector;
        assertTrue(named, "accepted, or refused with a named error");
    }

    function testFuzz_ScoresOneToFiveOnly(uint256 score, uint256 verified) public {
        if (score % 2 == 0) score = bound(score, 0, 7);
        if (verified % 2 == 0) verified = bound(verified, 0, 2);
        bytes memory data = abi.encode(leaseId, score, verified, REPORT_HASH);
        bytes4 selector = _attempt(buyer, reviewSchema, provider, 0, false, data);
        if (score > type(uint8).max || verified > 1) {
            assertEq(selector, IGridleaseSchemaResolver.NonCanonicalField.selector, "not of its type");
        } else if (score < 1 || score > 5) {
            assertEq(selector, IGridleaseReviewResolver.InvalidScore.selector, "out of range");
        } else {
            assertEq(selector, bytes4(0), "accepted");
            assertTrue(reviews.reviewOf(leaseId) != bytes32(0), "recorded");
        }
    }

    function testFuzz_AnyVettingPayloadIsAcceptedOrNamed(bytes calldata data, address recipient) public {
        bytes4 selector = _attempt(vetter, vettingSchema, recipient, 0, true, data);
        if (data.length != 32) {
            assertEq(selector, IGridleaseSchemaResolver.MalformedPayload.selector, "length");
        } else if (recipient == address(0)) {
            assertEq(selector, IGridleaseVettingResolver.VettingRecipientMissing.selector, "no buyer");
        } else {
            assertEq(selector, bytes4(0), "accepted");
        }
    }

    function testFuzz_AttesterListsAcceptedExactlyWhenValid(uint256 count, uint256 seed) public {
        count = bound(count, 0, 10);
        address[] memory attesters = new address[](count);
        bool distinct = true;
        bool nonZero = true;
        for (uint256 i = 0; i < count; ++i) {
            // Small values so that repeats and zeros happen.
            attesters[i] = address(uint160(uint256(keccak256(abi.encode(seed, i))) % 12));
            if (attesters[i] == address(0)) nonZero = false;
            for (uint256 j = 0; j < i; ++j) if (attesters[j] == attesters[i]) distinct = false;
        }
        uint256 policyOffer = _vettedOffer();
        vm.prank(provider);
        try vetPolicy.setRequirement(policyOffer, vettingSchema, attesters) {
            assertTrue(count >= 1 && count <= 8 && distinct && nonZero, "accepted only when valid");
            (, , address[] memory named) = vetPolicy.getRequirement(policyOffer);
            assertEq(named.length, count, "stored whole");
            // A buyer vetted by any listed attester is allowed; by an unlisted one, not.
            bytes32 listed = _vet(attesters[seed % count], buyer, 0);
            vm.prank(buyer);
            vetPolicy.registerAttestation(listed);
            assertTrue(vetPolicy.isAllowed(provider, policyOffer, buyer), "listed attester");
            bytes32 unlisted = _vet(address(0xBEEF), buyer, 0);
            vm.prank(buyer);
            vetPolicy.registerAttestation(unlisted);
            assertFalse(vetPolicy.isAllowed(provider, policyOffer, buyer), "unlisted attester");
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            if (count == 0 || count > 8) {
                assertEq(selector, IAttestationPolicy.InvalidAttesterCount.selector, "count");
            } else {
                assertEq(selector, IAttestationPolicy.InvalidAttester.selector, "zero or repeated");
                assertFalse(distinct && nonZero, "refused only when invalid");
            }
        }
    }

    /// @dev Tries the attestation; returns zero when accepted, else the revert's selector, failing the test on a
    /// panic or a revert without data.
    function _attempt(
        address attester,
        bytes32 schema,
        address recipient,
        uint64 expirationTime,
        bool revocable,
        bytes memory data
    ) internal returns (bytes4) {
        AttestationRequest memory request = _request(schema, recipient, expirationTime, revocable, data);
        vm.prank(attester);
        try eas.attest(request) {
            return bytes4(0);
        } catch (bytes memory reason) {
            assertGe(reason.length, 4, "a revert with no reason");
            bytes4 selector = bytes4(reason);
            assertTrue(selector != bytes4(0x4e487b71), "a panic");
            return selector;
        }
    }
}
