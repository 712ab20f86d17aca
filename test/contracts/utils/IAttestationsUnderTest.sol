// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/Common.sol";
import {IGridleaseAuditResolver} from "../../../contracts/attestations/interfaces/IGridleaseAuditResolver.sol";
import {IGridleaseReviewResolver} from "../../../contracts/attestations/interfaces/IGridleaseReviewResolver.sol";
import {IGridleaseVettingResolver} from "../../../contracts/attestations/interfaces/IGridleaseVettingResolver.sol";
import {IAttestationPolicy} from "../../../contracts/attestations/interfaces/IAttestationPolicy.sol";

/// @notice What every deployed resolver answers besides its own interface: its schema, EAS's callbacks and the
/// constants. The tests deploy the resolvers from their production artifacts (like the market, see BaseTest) and
/// call them through these.
interface IResolverUnderTest {
    function SCHEMA() external view returns (string memory);
    function REVOCABLE() external view returns (bool);
    function attest(Attestation calldata attestation) external payable returns (bool);
    function revoke(Attestation calldata attestation) external payable returns (bool);
    function multiAttest(
        Attestation[] calldata attestations,
        uint256[] calldata values
    ) external payable returns (bool);
    function isPayable() external pure returns (bool);
}

interface IAuditResolverUnderTest is IGridleaseAuditResolver, IResolverUnderTest {
    function MARKET() external view returns (address);
    function VERDICT_PASS() external view returns (uint8);
    function VERDICT_FAIL() external view returns (uint8);
}

interface IReviewResolverUnderTest is IGridleaseReviewResolver, IResolverUnderTest {
    function MARKET() external view returns (address);
    function MIN_SCORE() external view returns (uint8);
    function MAX_SCORE() external view returns (uint8);
}

// solhint-disable-next-line no-empty-blocks
interface IVettingResolverUnderTest is IGridleaseVettingResolver, IResolverUnderTest {}

interface IAttestationPolicyUnderTest is IAttestationPolicy {
    function MAX_ATTESTERS() external view returns (uint256);
    function EAS() external view returns (address);
    function MARKET() external view returns (address);
}
