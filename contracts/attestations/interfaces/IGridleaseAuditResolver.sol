// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGridleaseSchemaResolver} from "./IGridleaseSchemaResolver.sol";

/// @title IGridleaseAuditResolver
/// @notice The resolver of the hardware-audit schema
/// `uint256 offerId,bytes32 hardwareReportHash,uint8 verdict,uint64 validUntil` (revocable). Anyone may audit:
/// which auditors count is each viewer's choice. An audit is accepted when, in this order:
/// - the payload is four well-formed words;
/// - the offer exists on the market;
/// - the recipient is the offer's provider;
/// - the verdict is 1 (Pass) or 2 (Fail);
/// - validUntil is in the future;
/// - the attestation's EAS expirationTime equals validUntil, so EAS tools see the same expiry.
/// It then emits {AuditAttested} with the decoded fields; a revocation by the auditor emits {AuditRevoked}.
interface IGridleaseAuditResolver is IGridleaseSchemaResolver {
    /// @notice An audit was attested.
    /// @param uid The EAS attestation UID.
    /// @param offerId The audited offer.
    /// @param auditor The attester.
    /// @param provider The offer's provider (the attestation's recipient).
    /// @param hardwareReportHash Hash of the hardware report the auditor's probe produced.
    /// @param verdict 1 Pass, 2 Fail.
    /// @param validUntil When the audit lapses (also its EAS expirationTime).
    event AuditAttested(
        bytes32 indexed uid,
        uint256 indexed offerId,
        address indexed auditor,
        address provider,
        bytes32 hardwareReportHash,
        uint8 verdict,
        uint64 validUntil
    );

    /// @notice The auditor revoked an audit.
    /// @param uid The EAS attestation UID.
    /// @param offerId The audited offer.
    /// @param auditor The attester (only it can revoke, EAS checks).
    event AuditRevoked(bytes32 indexed uid, uint256 indexed offerId, address indexed auditor);

    /// @notice The audited offer does not exist on the market.
    /// @param offerId The offer named in the payload.
    error UnknownOffer(uint256 offerId);

    /// @notice The audit's recipient is not the offer's provider.
    /// @param recipient The attestation's recipient.
    /// @param provider The offer's provider.
    error AuditRecipientNotProvider(address recipient, address provider);

    /// @notice The verdict is neither 1 (Pass) nor 2 (Fail).
    /// @param verdict The verdict in the payload.
    error InvalidVerdict(uint8 verdict);

    /// @notice validUntil is not in the future.
    /// @param validUntil The payload's validUntil.
    /// @param nowTs The block's timestamp.
    error AuditValidUntilPassed(uint64 validUntil, uint256 nowTs);

    /// @notice The attestation's EAS expirationTime differs from the payload's validUntil.
    /// @param expirationTime The attestation's expirationTime.
    /// @param validUntil The payload's validUntil.
    error AuditExpiryMismatch(uint64 expirationTime, uint64 validUntil);
}
