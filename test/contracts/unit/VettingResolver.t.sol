// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/Common.sol";
import {EasBase} from "./EasBase.sol";
import {IGridleaseVettingResolver} from "../../../contracts/attestations/interfaces/IGridleaseVettingResolver.sol";
import {IGridleaseSchemaResolver} from "../../../contracts/attestations/interfaces/IGridleaseSchemaResolver.sol";

contract VettingResolver_Unit_Test is EasBase {
    function test_WhenDeployed_BindsItsSchema() public view {
        assertEq(vettings.SCHEMA_UID(), _schemaUid(VETTING_SCHEMA, address(vettings), true), "uid");
        assertEq(vettings.SCHEMA_UID(), vettingSchema, "the registered uid");
        assertEq(bytes(vettings.SCHEMA()), bytes(VETTING_SCHEMA), "schema string");
        assertTrue(vettings.REVOCABLE(), "revocable");
    }

    function test_WhenVettingValid_Attests() public {
        uint64 expiry = uint64(block.timestamp + 90 days);
        bytes memory data = abi.encode(EVIDENCE);
        bytes32 expected = _predictUid(vetter, vettingSchema, buyer, expiry, true, data);
        vm.expectEmit(true, true, true, true, address(vettings));
        emit IGridleaseVettingResolver.BuyerVetted(expected, buyer, vetter, EVIDENCE, expiry);
        assertEq(_vet(vetter, buyer, expiry), expected, "uid");

        // Without an expiry it never lapses: the event says zero.
        vm.expectEmit(true, true, true, true, address(vettings));
        emit IGridleaseVettingResolver.BuyerVetted(
            _predictUid(vetter, vettingSchema, buyer2, 0, true, data),
            buyer2,
            vetter,
            EVIDENCE,
            0
        );
        _vet(vetter, buyer2, 0);
    }

    function test_RevertWhen_PayloadNotOneWord() public {
        bytes[3] memory bad = [
            bytes(""),
            abi.encode(EVIDENCE, EVIDENCE),
            abi.encodePacked(bytes31(EVIDENCE))
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            _expectRefused(
                vetter,
                vettingSchema,
                buyer,
                0,
                true,
                bad[i],
                abi.encodeWithSelector(IGridleaseSchemaResolver.MalformedPayload.selector, 32, bad[i].length)
            );
        }
    }

    function test_RevertWhen_RecipientMissing() public {
        _expectRefused(
            vetter,
            vettingSchema,
            address(0),
            0,
            true,
            abi.encode(EVIDENCE),
            abi.encodeWithSelector(IGridleaseVettingResolver.VettingRecipientMissing.selector)
        );
    }

    function test_RevertWhen_AttestationOfAnotherSchema() public {
        Attestation memory a = eas.getAttestation(_vet(vetter, buyer, 0));
        a.schema = auditSchema;
        bytes memory expected = abi.encodeWithSelector(
            IGridleaseSchemaResolver.UnexpectedSchema.selector,
            auditSchema,
            vettingSchema
        );
        vm.expectRevert(expected);
        vm.prank(address(eas));
        vettings.attest(a);
        vm.expectRevert(expected);
        vm.prank(address(eas));
        vettings.revoke(a);
    }

    function test_WhenAttesterRevokes_EmitsRevoked() public {
        bytes32 uid = _vet(vetter, buyer, 0);
        vm.expectEmit(true, true, true, true, address(vettings));
        emit IGridleaseVettingResolver.BuyerVettingRevoked(uid, buyer, vetter);
        _revoke(vetter, vettingSchema, uid);
        assertEq(eas.getAttestation(uid).revocationTime, block.timestamp, "revoked");
    }
}
