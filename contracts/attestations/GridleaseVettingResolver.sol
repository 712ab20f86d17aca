// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEAS, Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";

import {IGridleaseVettingResolver} from "./interfaces/IGridleaseVettingResolver.sol";
import {GridleaseSchemaResolver} from "./GridleaseSchemaResolver.sol";

/// @title GridleaseVettingResolver
/// @notice Accepts buyer vettings and emits their decoded fields (see {IGridleaseVettingResolver}).
contract GridleaseVettingResolver is IGridleaseVettingResolver, GridleaseSchemaResolver {
    /// @notice The schema this resolver serves.
    string public constant SCHEMA = "bytes32 evidenceHash";
    /// @notice Whether the schema is revocable: a vetting authority can withdraw a vetting.
    bool public constant REVOCABLE = true;

    uint256 private constant FIELDS = 1;

    /// @param eas The EAS contract.
    constructor(IEAS eas) GridleaseSchemaResolver(eas, SCHEMA, REVOCABLE) {}

    /// @dev See {IGridleaseVettingResolver}.
    function onAttest(Attestation calldata attestation, uint256) internal override returns (bool) {
        // Checks
        _requireSchema(attestation.schema);
        _requireWords(attestation.data, FIELDS);
        if (attestation.recipient == address(0)) revert VettingRecipientMissing();
        // Effects
        emit BuyerVetted(
            attestation.uid,
            attestation.recipient,
            attestation.attester,
            bytes32(_word(attestation.data, 0)),
            attestation.expirationTime
        );
        return true;
    }

    /// @dev EAS lets only the attester revoke.
    function onRevoke(Attestation calldata attestation, uint256) internal override returns (bool) {
        // Checks
        _requireSchema(attestation.schema);
        // Effects
        emit BuyerVettingRevoked(attestation.uid, attestation.recipient, attestation.attester);
        return true;
    }
}
