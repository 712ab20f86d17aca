// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBuyerPolicy} from "../../interfaces/IBuyerPolicy.sol";

/// @title IAttestationPolicy
/// @notice A buyer policy that admits a buyer holding a valid EAS attestation of the schema the offer's provider
/// chose, made by one of the attesters the provider names for that offer ("a buyer vetted by an auditor I trust").
/// EAS cannot look attestations up by recipient, so the buyer registers its attestation's UID once per schema;
/// the policy re-checks that UID at every `openLease`. Only the attestation's existence, schema, recipient,
/// attester, revocation and expiry are read: its contents can stay private.
interface IAttestationPolicy is IBuyerPolicy {
    /// @notice A provider set (or replaced) the requirement of one of its offers.
    /// @param offerId The offer.
    /// @param provider The offer's provider.
    /// @param schema The EAS schema UID a buyer's attestation must have.
    /// @param attesters Who may have made it.
    event RequirementSet(
        uint256 indexed offerId,
        address indexed provider,
        bytes32 indexed schema,
        address[] attesters
    );

    /// @notice A buyer registered its attestation for a schema (replacing any earlier one for that schema).
    /// @param buyer The buyer (the attestation's recipient).
    /// @param schema The attestation's schema UID.
    /// @param uid The attestation UID.
    /// @param attester Who made it.
    event AttestationRegistered(address indexed buyer, bytes32 indexed schema, bytes32 uid, address attester);

    /// @notice The caller is not the offer's provider (or the offer does not exist).
    /// @param offerId The offer.
    /// @param caller The caller.
    error NotOfferProvider(uint256 offerId, address caller);

    /// @notice The schema is not registered in EAS's SchemaRegistry.
    /// @param schema The schema UID given.
    error UnknownSchema(bytes32 schema);

    /// @notice The attester list is empty or longer than the maximum.
    /// @param count The list's length.
    /// @param max MAX_ATTESTERS.
    error InvalidAttesterCount(uint256 count, uint256 max);

    /// @notice An attester is zero or listed twice.
    /// @param attester The attester.
    error InvalidAttester(address attester);

    /// @notice EAS holds no attestation with this UID.
    /// @param uid The UID given.
    error UnknownAttestation(bytes32 uid);

    /// @notice The attestation was made for someone else than the caller.
    /// @param uid The attestation UID.
    /// @param recipient The attestation's recipient.
    error NotAttestationRecipient(bytes32 uid, address recipient);

    /// @notice The attestation was revoked.
    /// @param uid The attestation UID.
    /// @param revokedAt When.
    error AttestationRevoked(bytes32 uid, uint64 revokedAt);

    /// @notice The attestation has expired.
    /// @param uid The attestation UID.
    /// @param expirationTime When it expired.
    error AttestationExpired(bytes32 uid, uint64 expirationTime);

    /// @notice The market address given at deployment holds no code.
    /// @param market The address given.
    error InvalidMarket(address market);

    /// @notice Sets what a buyer of `offerId` must hold: an attestation of `schema` by one of `attesters`. Replaces
    /// any earlier requirement of the offer. An offer that names this policy and has no requirement admits nobody.
    /// Emits a {RequirementSet} event.
    /// Requirements:
    /// - The caller is the offer's provider.
    /// - `schema` is registered in EAS's SchemaRegistry.
    /// - 1 <= attesters.length <= MAX_ATTESTERS; each attester is not zero and listed once.
    /// @param offerId The offer.
    /// @param schema The EAS schema UID.
    /// @param attesters The attesters the provider trusts for this offer.
    function setRequirement(uint256 offerId, bytes32 schema, address[] calldata attesters) external;

    /// @notice The caller registers its attestation `uid` as its credential for the attestation's schema,
    /// replacing any earlier one for that schema.
    /// Emits an {AttestationRegistered} event.
    /// Requirements:
    /// - The attestation exists, the caller is its recipient, it is not revoked and not expired.
    /// Notes:
    /// - Whether its attester is one an offer names is checked at each lease, not here: the same credential serves
    ///   every offer that requires its schema.
    /// @param uid The EAS attestation UID.
    function registerAttestation(bytes32 uid) external;

    /// @notice Why `buyer` may or may not lease `offerId` now, for apps to explain a refusal: 0 Allowed,
    /// 1 NoRequirement, 2 NotRegistered, 3 AttesterNotNamed, 4 Revoked, 5 Expired.
    /// @param offerId The offer.
    /// @param buyer The buyer.
    /// @return code The first check that fails, or 0.
    function check(uint256 offerId, address buyer) external view returns (uint8 code);

    /// @notice The requirement of an offer; all zero (and an empty list) when none was set.
    /// @param offerId The offer.
    /// @return provider The provider that set it.
    /// @return schema The schema UID.
    /// @return attesters The named attesters.
    function getRequirement(
        uint256 offerId
    ) external view returns (address provider, bytes32 schema, address[] memory attesters);

    /// @notice The attestation `buyer` registered for `schema`.
    /// @param buyer The buyer.
    /// @param schema The schema UID.
    /// @return uid The registered UID; zero when none.
    function credentialOf(address buyer, bytes32 schema) external view returns (bytes32 uid);
}
