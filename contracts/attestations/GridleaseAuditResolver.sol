// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEAS, Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";

import {IGridleaseAuditResolver} from "./interfaces/IGridleaseAuditResolver.sol";
import {IGridleaseMarketReads} from "./interfaces/IGridleaseMarketReads.sol";
import {GridleaseSchemaResolver} from "./GridleaseSchemaResolver.sol";

/// @title GridleaseAuditResolver
/// @notice Accepts hardware audits of the market's offers and emits their decoded fields (see
/// {IGridleaseAuditResolver}).
contract GridleaseAuditResolver is IGridleaseAuditResolver, GridleaseSchemaResolver {
    /// @notice The schema this resolver serves.
    string public constant SCHEMA =
        "uint256 offerId,bytes32 hardwareReportHash,uint8 verdict,uint64 validUntil";
    /// @notice Whether the schema is revocable: an auditor can withdraw an audit.
    bool public constant REVOCABLE = true;
    /// @notice The verdict of an audit the hardware passed.
    uint8 public constant VERDICT_PASS = 1;
    /// @notice The verdict of an audit the hardware failed.
    uint8 public constant VERDICT_FAIL = 2;

    uint256 private constant FIELDS = 4;

    /// @notice The market whose offers are audited.
    IGridleaseMarketReads public immutable MARKET;

    /// @param eas The EAS contract.
    /// @param market The Gridlease market.
    constructor(IEAS eas, address market) GridleaseSchemaResolver(eas, SCHEMA, REVOCABLE) {
        _checkMarket(market);
        MARKET = IGridleaseMarketReads(market);
    }

    /// @dev See {IGridleaseAuditResolver} for the rules, checked in its order.
    function onAttest(Attestation calldata attestation, uint256) internal override returns (bool) {
        // Checks
        _requireSchema(attestation.schema);
        bytes calldata data = attestation.data;
        _requireWords(data, FIELDS);
        uint256 offerId = _word(data, 0);
        bytes32 reportHash = bytes32(_word(data, 1));
        uint8 verdict = uint8(_field(data, 2, type(uint8).max));
        uint64 validUntil = uint64(_field(data, 3, type(uint64).max));

        address provider = MARKET.getOffer(offerId).provider;
        if (provider == address(0)) revert UnknownOffer(offerId);
        if (attestation.recipient != provider)
            revert AuditRecipientNotProvider(attestation.recipient, provider);
        if (verdict != VERDICT_PASS && verdict != VERDICT_FAIL) revert InvalidVerdict(verdict);
        if (validUntil <= block.timestamp) revert AuditValidUntilPassed(validUntil, block.timestamp);
        if (attestation.expirationTime != validUntil) {
            revert AuditExpiryMismatch(attestation.expirationTime, validUntil);
        }
        // Effects
        emit AuditAttested(
            attestation.uid,
            offerId,
            attestation.attester,
            provider,
            reportHash,
            verdict,
            validUntil
        );
        return true;
    }

    /// @dev EAS lets only the attester revoke; the payload was checked when the audit was made.
    function onRevoke(Attestation calldata attestation, uint256) internal override returns (bool) {
        // Checks
        _requireSchema(attestation.schema);
        _requireWords(attestation.data, FIELDS);
        // Effects
        emit AuditRevoked(attestation.uid, _word(attestation.data, 0), attestation.attester);
        return true;
    }
}
