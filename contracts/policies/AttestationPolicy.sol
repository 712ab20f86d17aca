// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEAS, Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";
import {ISchemaRegistry} from "@ethereum-attestation-service/eas-contracts/contracts/ISchemaRegistry.sol";

import {IBuyerPolicy} from "../interfaces/IBuyerPolicy.sol";
import {IAttestationPolicy} from "../attestations/interfaces/IAttestationPolicy.sol";
import {IGridleaseMarketReads} from "../attestations/interfaces/IGridleaseMarketReads.sol";

/// @title AttestationPolicy
/// @notice One shared buyer policy in which each provider names, per offer, an EAS schema and the attesters it
/// trusts; buyers register their attestation once and are re-checked at every lease (see {IAttestationPolicy}).
contract AttestationPolicy is IAttestationPolicy {
    /// @notice The longest attester list a requirement may name: `isAllowed` reads each of them within the market's
    /// POLICY_GAS.
    uint256 public constant MAX_ATTESTERS = 8;

    /// @notice `check`: the buyer may lease.
    uint8 public constant ALLOWED = 0;
    /// @notice `check`: the offer has no requirement (it admits nobody).
    uint8 public constant NO_REQUIREMENT = 1;
    /// @notice `check`: the buyer registered no attestation of the required schema.
    uint8 public constant NOT_REGISTERED = 2;
    /// @notice `check`: the buyer's attestation was made by an attester the provider does not name.
    uint8 public constant ATTESTER_NOT_NAMED = 3;
    /// @notice `check`: the buyer's attestation was revoked.
    uint8 public constant REVOKED = 4;
    /// @notice `check`: the buyer's attestation expired.
    uint8 public constant EXPIRED = 5;

    /// @notice The EAS contract attestations are read from.
    IEAS public immutable EAS;
    /// @notice The market whose offers this policy serves.
    IGridleaseMarketReads public immutable MARKET;
    /// @dev EAS's schema registry, read once.
    ISchemaRegistry private immutable _REGISTRY;

    /// @dev An offer's requirement. `provider` is zero until one is set.
    struct Requirement {
        // slot 0
        address provider;
        // slot 1
        bytes32 schema;
        // slot 2
        address[] attesters;
    }

    mapping(uint256 offerId => Requirement requirement) private _requirements;
    mapping(address buyer => mapping(bytes32 schema => bytes32 uid)) private _credentials;

    /// @param eas The EAS contract.
    /// @param market The Gridlease market.
    constructor(IEAS eas, address market) {
        if (market.code.length == 0) revert InvalidMarket(market);
        EAS = eas;
        MARKET = IGridleaseMarketReads(market);
        _REGISTRY = eas.getSchemaRegistry();
    }

    /// @inheritdoc IAttestationPolicy
    function setRequirement(uint256 offerId, bytes32 schema, address[] calldata attesters) external {
        // Checks
        if (MARKET.getOffer(offerId).provider != msg.sender) revert NotOfferProvider(offerId, msg.sender);
        if (_REGISTRY.getSchema(schema).uid == bytes32(0)) revert UnknownSchema(schema);
        uint256 count = attesters.length;
        if (count == 0 || count > MAX_ATTESTERS) revert InvalidAttesterCount(count, MAX_ATTESTERS);
        for (uint256 i = 0; i < count; ++i) {
            address attester = attesters[i];
            if (attester == address(0)) revert InvalidAttester(attester);
            for (uint256 j = 0; j < i; ++j) {
                if (attesters[j] == attester) revert InvalidAttester(attester);
            }
        }
        // Effects
        Requirement storage requirement = _requirements[offerId];
        requirement.provider = msg.sender;
        requirement.schema = schema;
        requirement.attesters = attesters;
        emit RequirementSet(offerId, msg.sender, schema, attesters);
    }

    /// @inheritdoc IAttestationPolicy
    function registerAttestation(bytes32 uid) external {
        // Checks
        Attestation memory attestation = EAS.getAttestation(uid);
        if (attestation.uid == bytes32(0)) revert UnknownAttestation(uid);
        if (attestation.recipient != msg.sender) revert NotAttestationRecipient(uid, attestation.recipient);
        if (attestation.revocationTime != 0) revert AttestationRevoked(uid, attestation.revocationTime);
        if (_expired(attestation)) revert AttestationExpired(uid, attestation.expirationTime);
        // Effects
        _credentials[msg.sender][attestation.schema] = uid;
        emit AttestationRegistered(msg.sender, attestation.schema, uid, attestation.attester);
    }

    /// @inheritdoc IBuyerPolicy
    /// @dev Fails closed: an offer without a requirement, or with one set for another provider, admits nobody.
    function isAllowed(address provider, uint256 offerId, address buyer) external view returns (bool) {
        return _requirements[offerId].provider == provider && _check(offerId, buyer) == ALLOWED;
    }

    /// @inheritdoc IAttestationPolicy
    function check(uint256 offerId, address buyer) external view returns (uint8 code) {
        return _check(offerId, buyer);
    }

    /// @inheritdoc IAttestationPolicy
    function getRequirement(
        uint256 offerId
    ) external view returns (address provider, bytes32 schema, address[] memory attesters) {
        Requirement storage requirement = _requirements[offerId];
        return (requirement.provider, requirement.schema, requirement.attesters);
    }

    /// @inheritdoc IAttestationPolicy
    function credentialOf(address buyer, bytes32 schema) external view returns (bytes32 uid) {
        return _credentials[buyer][schema];
    }

    /// @dev The registered UID is read again from EAS: revocation and expiry are checked at every call. The schema
    /// and recipient cannot change after registration, but an unregistered UID (zero) reads as an empty
    /// attestation, which fails the schema test.
    function _check(uint256 offerId, address buyer) private view returns (uint8) {
        Requirement storage requirement = _requirements[offerId];
        if (requirement.provider == address(0)) return NO_REQUIREMENT;
        bytes32 schema = requirement.schema;
        Attestation memory attestation = EAS.getAttestation(_credentials[buyer][schema]);
        if (attestation.schema != schema || attestation.recipient != buyer) return NOT_REGISTERED;
        if (!_named(requirement.attesters, attestation.attester)) return ATTESTER_NOT_NAMED;
        if (attestation.revocationTime != 0) return REVOKED;
        if (_expired(attestation)) return EXPIRED;
        return ALLOWED;
    }

    /// @dev Whether `attester` is in `attesters` (at most MAX_ATTESTERS long).
    function _named(address[] storage attesters, address attester) private view returns (bool) {
        uint256 count = attesters.length;
        for (uint256 i = 0; i < count; ++i) {
            if (attesters[i] == attester) return true;
        }
        return false;
    }

    /// @dev EAS's rule: an attestation with an expiration time is valid strictly before it.
    function _expired(Attestation memory attestation) private view returns (bool) {
        return attestation.expirationTime != 0 && attestation.expirationTime <= block.timestamp;
    }
}
