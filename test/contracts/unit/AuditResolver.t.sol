// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Attestation, AccessDenied} from "@ethereum-attestation-service/eas-contracts/contracts/Common.sol";
import {ISchemaResolver} from "@ethereum-attestation-service/eas-contracts/contracts/resolver/ISchemaResolver.sol";
import {EasBase} from "./EasBase.sol";
import {IGridleaseAuditResolver} from "../../../contracts/attestations/interfaces/IGridleaseAuditResolver.sol";
import {IGridleaseSchemaResolver} from "../../../contracts/attestations/interfaces/IGridleaseSchemaResolver.sol";

contract AuditResolver_Unit_Test is EasBase {
    uint256 internal offerId;
    uint64 internal until;

    function setUp() public virtual override {
        super.setUp();
        offerId = _createDefaultOffer();
        until = uint64(block.timestamp + 30 days);
    }

    function test_WhenDeployed_BindsItsSchema() public view {
        assertEq(
            audits.SCHEMA_UID(),
            _schemaUid(AUDIT_SCHEMA, address(audits), true),
            "uid as EAS derives it"
        );
        assertEq(audits.SCHEMA_UID(), auditSchema, "the registered uid");
        assertEq(bytes(audits.SCHEMA()), bytes(AUDIT_SCHEMA), "schema string");
        assertTrue(audits.REVOCABLE(), "revocable");
        assertEq(audits.MARKET(), address(market), "market");
        assertEq(audits.VERDICT_PASS(), PASS, "pass");
        assertEq(audits.VERDICT_FAIL(), FAIL, "fail");
        assertFalse(audits.isPayable(), "takes no ether");
    }

    function test_RevertWhen_MarketHasNoCode() public {
        bytes memory initCode = abi.encodePacked(auditCode, abi.encode(eas, stranger));
        vm.expectRevert(abi.encodeWithSelector(IGridleaseSchemaResolver.InvalidMarket.selector, stranger));
        _create(initCode);
    }

    function test_WhenAuditValid_Attests() public {
        bytes memory data = _auditData(offerId, PASS, until);
        bytes32 expected = _predictUid(auditor, auditSchema, provider, until, true, data);
        vm.expectEmit(true, true, true, true, address(audits));
        emit IGridleaseAuditResolver.AuditAttested(
            expected,
            offerId,
            auditor,
            provider,
            REPORT_HASH,
            PASS,
            until
        );
        bytes32 uid = _attest(auditor, auditSchema, provider, until, true, data);
        assertEq(uid, expected, "uid");
        Attestation memory a = eas.getAttestation(uid);
        assertEq(a.attester, auditor, "attester");
        assertEq(a.expirationTime, until, "EAS expiry is validUntil");

        // A Fail verdict is an audit too, and one auditor may audit the same offer again.
        bytes memory fail = _auditData(offerId, FAIL, until);
        vm.expectEmit(true, true, true, true, address(audits));
        emit IGridleaseAuditResolver.AuditAttested(
            _predictUid(auditor, auditSchema, provider, until, true, fail),
            offerId,
            auditor,
            provider,
            REPORT_HASH,
            FAIL,
            until
        );
        _attest(auditor, auditSchema, provider, until, true, fail);
    }

    function test_RevertWhen_PayloadLengthWrong() public {
        bytes memory short = abi.encode(offerId, REPORT_HASH, PASS);
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            until,
            true,
            short,
            abi.encodeWithSelector(IGridleaseSchemaResolver.MalformedPayload.selector, 128, 96)
        );
        bytes memory long = abi.encodePacked(_auditData(offerId, PASS, until), bytes1(0));
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            until,
            true,
            long,
            abi.encodeWithSelector(IGridleaseSchemaResolver.MalformedPayload.selector, 128, 129)
        );
    }

    function test_RevertWhen_FieldOutOfItsType() public {
        bytes memory verdict = abi.encode(offerId, REPORT_HASH, uint256(257), until);
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            until,
            true,
            verdict,
            abi.encodeWithSelector(IGridleaseSchemaResolver.NonCanonicalField.selector, 2, 257)
        );
        uint256 huge = uint256(type(uint64).max) + 1;
        bytes memory validUntil = abi.encode(offerId, REPORT_HASH, PASS, huge);
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            until,
            true,
            validUntil,
            abi.encodeWithSelector(IGridleaseSchemaResolver.NonCanonicalField.selector, 3, huge)
        );
    }

    function test_RevertWhen_OfferUnknown() public {
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            until,
            true,
            _auditData(offerId + 1, PASS, until),
            abi.encodeWithSelector(IGridleaseAuditResolver.UnknownOffer.selector, offerId + 1)
        );
    }

    function test_RevertWhen_RecipientNotProvider() public {
        _expectRefused(
            auditor,
            auditSchema,
            stranger,
            until,
            true,
            _auditData(offerId, PASS, until),
            abi.encodeWithSelector(
                IGridleaseAuditResolver.AuditRecipientNotProvider.selector,
                stranger,
                provider
            )
        );
    }

    function test_RevertWhen_VerdictInvalid() public {
        for (uint8 verdict = 0; verdict < 5; verdict += 3) {
            _expectRefused(
                auditor,
                auditSchema,
                provider,
                until,
                true,
                _auditData(offerId, verdict, until),
                abi.encodeWithSelector(IGridleaseAuditResolver.InvalidVerdict.selector, verdict)
            );
        }
    }

    function test_RevertWhen_ValidUntilPassed() public {
        uint64 past = uint64(block.timestamp);
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            0,
            true,
            _auditData(offerId, PASS, past),
            abi.encodeWithSelector(
                IGridleaseAuditResolver.AuditValidUntilPassed.selector,
                past,
                block.timestamp
            )
        );
    }

    function test_RevertWhen_ExpiryNotValidUntil() public {
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            0,
            true,
            _auditData(offerId, PASS, until),
            abi.encodeWithSelector(IGridleaseAuditResolver.AuditExpiryMismatch.selector, 0, until)
        );
        _expectRefused(
            auditor,
            auditSchema,
            provider,
            until + 1,
            true,
            _auditData(offerId, PASS, until),
            abi.encodeWithSelector(IGridleaseAuditResolver.AuditExpiryMismatch.selector, until + 1, until)
        );
    }

    function test_RevertWhen_AnotherSchemaNamesTheResolver() public {
        string memory other =
            "uint256 offerId,bytes32 hardwareReportHash,uint8 verdict,uint64 validUntil,bool x";
        bytes32 foreign = registry.register(other, ISchemaResolver(address(audits)), true);
        _expectRefused(
            auditor,
            foreign,
            provider,
            until,
            true,
            _auditData(offerId, PASS, until),
            abi.encodeWithSelector(IGridleaseSchemaResolver.UnexpectedSchema.selector, foreign, auditSchema)
        );
    }

    function test_RevertWhen_NotCalledByEas() public {
        Attestation memory a;
        a.schema = auditSchema;
        vm.expectRevert(AccessDenied.selector);
        vm.prank(auditor);
        audits.attest(a);
        vm.expectRevert(AccessDenied.selector);
        vm.prank(auditor);
        audits.revoke(a);
    }

    function test_WhenAuditorRevokes_EmitsAuditRevoked() public {
        bytes32 uid = _audit(auditor, offerId);
        vm.expectEmit(true, true, true, true, address(audits));
        emit IGridleaseAuditResolver.AuditRevoked(uid, offerId, auditor);
        _revoke(auditor, auditSchema, uid);
        assertEq(eas.getAttestation(uid).revocationTime, block.timestamp, "revoked");
    }

    function test_RevertWhen_RevokedByOther() public {
        bytes32 uid = _audit(auditor, offerId);
        vm.expectRevert(AccessDenied.selector);
        _revoke(auditor2, auditSchema, uid);
        assertEq(eas.getAttestation(uid).revocationTime, 0, "still valid");
    }

    function test_RevertWhen_RevocationOfAnotherSchema() public {
        Attestation memory a = eas.getAttestation(_audit(auditor, offerId));
        a.schema = vettingSchema;
        vm.expectRevert(
            abi.encodeWithSelector(
                IGridleaseSchemaResolver.UnexpectedSchema.selector,
                vettingSchema,
                auditSchema
            )
        );
        vm.prank(address(eas));
        audits.revoke(a);
    }
}
