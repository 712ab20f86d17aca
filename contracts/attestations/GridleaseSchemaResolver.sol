// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEAS} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";
import {SchemaResolver} from "@ethereum-attestation-service/eas-contracts/contracts/resolver/SchemaResolver.sol";

import {IGridleaseSchemaResolver} from "./interfaces/IGridleaseSchemaResolver.sol";

/// @title GridleaseSchemaResolver
/// @notice The base of the Gridlease resolvers: binds a resolver to its one schema and reads payloads word by
/// word, checking the length and each field's range first (see {IGridleaseSchemaResolver}).
abstract contract GridleaseSchemaResolver is IGridleaseSchemaResolver, SchemaResolver {
    /// @inheritdoc IGridleaseSchemaResolver
    bytes32 public immutable override SCHEMA_UID;

    /// @dev The UID is computed here, from this contract's own address, exactly as the SchemaRegistry will when the
    /// deployment registers `schema` with this resolver.
    constructor(IEAS eas, string memory schema, bool revocable) SchemaResolver(eas) {
        SCHEMA_UID = keccak256(abi.encodePacked(schema, address(this), revocable));
    }

    /// @dev Refuses attestations of any other schema that names this resolver.
    function _requireSchema(bytes32 schema) internal view {
        bytes32 expected = SCHEMA_UID;
        if (schema != expected) revert UnexpectedSchema(schema, expected);
    }

    /// @dev Reverts unless `data` is exactly `count` ABI words: every field of our schemas is static.
    function _requireWords(bytes calldata data, uint256 count) internal pure {
        uint256 expected = count * 32;
        if (data.length != expected) revert MalformedPayload(expected, data.length);
    }

    /// @dev The word at field `index`; `_requireWords` has checked that it is there.
    function _word(bytes calldata data, uint256 index) internal pure returns (uint256) {
        uint256 at = index * 32;
        return uint256(bytes32(data[at:at + 32]));
    }

    /// @dev The word at field `index`, which must be at most `max`: the largest value of the field's ABI type.
    function _field(bytes calldata data, uint256 index, uint256 max) internal pure returns (uint256 value) {
        value = _word(data, index);
        if (value > max) revert NonCanonicalField(index, value);
    }

    /// @dev The market the resolver reads; it must hold code, or every read would revert without a reason.
    function _checkMarket(address market) internal view {
        if (market.code.length == 0) revert InvalidMarket(market);
    }
}
