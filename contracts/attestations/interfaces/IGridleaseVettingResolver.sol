// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGridleaseSchemaResolver} from "./IGridleaseSchemaResolver.sol";

/// @title IGridleaseVettingResolver
/// @notice The resolver of the buyer-vetting schema `bytes32 evidenceHash` (revocable). The evidence itself stays
/// private: only its hash, the attester and the buyer are public. A vetting is accepted when the payload is one
/// word and the recipient (the vetted buyer) is not zero; it emits {BuyerVetted}, and its revocation by the
/// attester emits {BuyerVettingRevoked}.
interface IGridleaseVettingResolver is IGridleaseSchemaResolver {
    /// @notice A buyer was vetted.
    /// @param uid The EAS attestation UID.
    /// @param buyer The vetted buyer (the attestation's recipient).
    /// @param attester Who vetted it.
    /// @param evidenceHash Hash of the evidence the attester holds.
    /// @param expirationTime When the vetting lapses; zero for never.
    event BuyerVetted(
        bytes32 indexed uid,
        address indexed buyer,
        address indexed attester,
        bytes32 evidenceHash,
        uint64 expirationTime
    );

    /// @notice The attester revoked a vetting.
    /// @param uid The EAS attestation UID.
    /// @param buyer The buyer it vetted.
    /// @param attester The attester.
    event BuyerVettingRevoked(bytes32 indexed uid, address indexed buyer, address indexed attester);

    /// @notice The vetting names no buyer (its recipient is zero).
    error VettingRecipientMissing();
}
