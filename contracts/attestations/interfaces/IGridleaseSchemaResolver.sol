// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IGridleaseSchemaResolver
/// @notice What every Gridlease EAS resolver shares: it serves exactly one schema, registered with it as resolver,
/// and checks each payload's length and the range of each field before decoding it, so that a malformed
/// attestation gets a named error instead of an empty revert or a panic. EAS calls the resolver with a high-level
/// call, so these errors reach the attester unchanged.
interface IGridleaseSchemaResolver {
    /// @notice The attestation is not of this resolver's schema (someone registered another schema naming this
    /// resolver); it is refused so that the resolver's events only ever describe its own schema.
    /// @param schema The attestation's schema UID.
    /// @param expected This resolver's schema UID.
    error UnexpectedSchema(bytes32 schema, bytes32 expected);

    /// @notice The payload is not exactly the schema's ABI encoding length (every field takes one 32-byte word).
    /// @param expectedLength The schema's encoded length in bytes.
    /// @param length The payload's length in bytes.
    error MalformedPayload(uint256 expectedLength, uint256 length);

    /// @notice A payload word does not fit its field's ABI type (a uint8 above 255, a bool other than 0 or 1, a
    /// uint64 above 2^64 - 1): abi.decode would revert without a reason.
    /// @param field The field's position in the schema, from 0.
    /// @param word The word found there.
    error NonCanonicalField(uint256 field, uint256 word);

    /// @notice The market address given at deployment holds no code.
    /// @param market The address given.
    error InvalidMarket(address market);

    /// @notice The UID of the one schema this resolver serves:
    /// keccak256(abi.encodePacked(schema string, this resolver, revocable)), as EAS's SchemaRegistry computes it.
    /// @return The schema UID.
    function SCHEMA_UID() external view returns (bytes32);
}
