// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    IEAS,
    AttestationRequest,
    AttestationRequestData,
    RevocationRequest,
    RevocationRequestData
} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";
import {ISchemaRegistry} from "@ethereum-attestation-service/eas-contracts/contracts/ISchemaRegistry.sol";
import {ISchemaResolver} from "@ethereum-attestation-service/eas-contracts/contracts/resolver/ISchemaResolver.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {
    IAttestationPolicyUnderTest,
    IAuditResolverUnderTest,
    IReviewResolverUnderTest,
    IVettingResolverUnderTest
} from "../utils/IAttestationsUnderTest.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

/// @notice The fixture of the EAS suites: the market of BaseTest, EAS's SchemaRegistry and EAS deployed from the
/// package's artifacts, Gridlease's three resolvers and the AttestationPolicy deployed from their production
/// artifacts, and the three schemas registered as the deployment registers them. Schema strings and UIDs are
/// restated here, independently of the contracts.
abstract contract EasBase is MarketStateTest {
    // EAS's artifacts by contract name: their full names carry the package's version (npm/…@1.9.0/…).
    string internal constant REGISTRY_ARTIFACT = "SchemaRegistry";
    string internal constant EAS_ARTIFACT = "EAS";
    string internal constant AUDIT_ARTIFACT =
        "contracts/attestations/GridleaseAuditResolver.sol:GridleaseAuditResolver";
    string internal constant REVIEW_ARTIFACT =
        "contracts/attestations/GridleaseReviewResolver.sol:GridleaseReviewResolver";
    string internal constant VETTING_ARTIFACT =
        "contracts/attestations/GridleaseVettingResolver.sol:GridleaseVettingResolver";
    string internal constant POLICY_ARTIFACT = "contracts/policies/AttestationPolicy.sol:AttestationPolicy";

    string internal constant AUDIT_SCHEMA =
        "uint256 offerId,bytes32 hardwareReportHash,uint8 verdict,uint64 validUntil";
    string internal constant REVIEW_SCHEMA = "uint256 leaseId,uint8 score,bool verified,bytes32 reportHash";
    string internal constant VETTING_SCHEMA = "bytes32 evidenceHash";

    uint8 internal constant PASS = 1;
    uint8 internal constant FAIL = 2;
    bytes32 internal constant REPORT_HASH = keccak256("hardware report");
    bytes32 internal constant EVIDENCE = keccak256("kyc file 42");

    ISchemaRegistry internal registry;
    IEAS internal eas;
    IAuditResolverUnderTest internal audits;
    IReviewResolverUnderTest internal reviews;
    IVettingResolverUnderTest internal vettings;
    IAttestationPolicyUnderTest internal vetPolicy;

    bytes32 internal auditSchema;
    bytes32 internal reviewSchema;
    bytes32 internal vettingSchema;

    address internal auditor = address(0xA0D17);
    address internal auditor2 = address(0xA0D18);
    address internal vetter = address(0x7E7);

    /// @dev The creation code of the contracts above, read once (see BaseTest.marketCode for why).
    bytes internal auditCode;
    bytes internal reviewCode;
    bytes internal policyCode;

    function setUp() public virtual override {
        super.setUp();
        auditCode = vm.getCode(AUDIT_ARTIFACT);
        reviewCode = vm.getCode(REVIEW_ARTIFACT);
        policyCode = vm.getCode(POLICY_ARTIFACT);
        registry = ISchemaRegistry(_create(vm.getCode(REGISTRY_ARTIFACT)));
        eas = IEAS(_create(abi.encodePacked(vm.getCode(EAS_ARTIFACT), abi.encode(registry))));
        audits = IAuditResolverUnderTest(_create(abi.encodePacked(auditCode, abi.encode(eas, market))));
        reviews = IReviewResolverUnderTest(_create(abi.encodePacked(reviewCode, abi.encode(eas, market))));
        vettings = IVettingResolverUnderTest(
            _create(abi.encodePacked(vm.getCode(VETTING_ARTIFACT), abi.encode(eas)))
        );
        vetPolicy = IAttestationPolicyUnderTest(
            _create(abi.encodePacked(policyCode, abi.encode(eas, market)))
        );
        auditSchema = registry.register(AUDIT_SCHEMA, ISchemaResolver(address(audits)), true);
        reviewSchema = registry.register(REVIEW_SCHEMA, ISchemaResolver(address(reviews)), false);
        vettingSchema = registry.register(VETTING_SCHEMA, ISchemaResolver(address(vettings)), true);
    }

    /// @dev Deploys `initCode`; address zero when the constructor reverts (every later call then fails).
    function _create(bytes memory initCode) internal returns (address at) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            at := create(0, add(initCode, 0x20), mload(initCode))
        }
    }

    /// @dev EAS's UID rule for a schema: keccak256(abi.encodePacked(schema, resolver, revocable)).
    function _schemaUid(
        string memory schema,
        address resolver,
        bool revocable
    ) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(schema, resolver, revocable));
    }

    /*//////////////////////////////////////////////////////////////
                              PAYLOADS
    //////////////////////////////////////////////////////////////*/

    function _auditData(
        uint256 offerId,
        uint8 verdict,
        uint64 validUntil
    ) internal pure returns (bytes memory) {
        return abi.encode(offerId, REPORT_HASH, verdict, validUntil);
    }

    function _reviewData(uint256 leaseId, uint8 score, bool verified) internal pure returns (bytes memory) {
        return abi.encode(leaseId, score, verified, REPORT_HASH);
    }

    /*//////////////////////////////////////////////////////////////
                              ATTESTING
    //////////////////////////////////////////////////////////////*/

    /// @dev `attester` makes an attestation through EAS; returns its UID.
    function _attest(
        address attester,
        bytes32 schema,
        address recipient,
        uint64 expirationTime,
        bool revocable,
        bytes memory data
    ) internal returns (bytes32 uid) {
        vm.prank(attester);
        uid = eas.attest(_request(schema, recipient, expirationTime, revocable, data));
    }

    function _request(
        bytes32 schema,
        address recipient,
        uint64 expirationTime,
        bool revocable,
        bytes memory data
    ) internal pure returns (AttestationRequest memory) {
        return
            AttestationRequest({
                schema: schema,
                data: AttestationRequestData({
                    recipient: recipient,
                    expirationTime: expirationTime,
                    revocable: revocable,
                    refUID: bytes32(0),
                    data: data,
                    value: 0
                })
            });
    }

    /// @dev A valid Pass audit of `offerId` by `who`, valid for 30 days.
    function _audit(address who, uint256 offerId) internal returns (bytes32) {
        uint64 until = uint64(block.timestamp + 30 days);
        return _attest(who, auditSchema, provider, until, true, _auditData(offerId, PASS, until));
    }

    /// @dev The buyer's review of `leaseId`.
    function _review(address who, uint256 leaseId, uint8 score) internal returns (bytes32) {
        return _attest(who, reviewSchema, provider, 0, false, _reviewData(leaseId, score, true));
    }

    /// @dev `who` vets `buyer_` until `expirationTime` (zero: forever).
    function _vet(address who, address buyer_, uint64 expirationTime) internal returns (bytes32) {
        return _attest(who, vettingSchema, buyer_, expirationTime, true, abi.encode(EVIDENCE));
    }

    function _revoke(address who, bytes32 schema, bytes32 uid) internal {
        vm.prank(who);
        eas.revoke(RevocationRequest({schema: schema, data: RevocationRequestData({uid: uid, value: 0})}));
    }

    /// @dev The UID EAS would give this attestation now (bump 0): after a refused attest, nothing may be stored
    /// under it.
    function _predictUid(
        address attester,
        bytes32 schema,
        address recipient,
        uint64 expirationTime,
        bool revocable,
        bytes memory data
    ) internal view returns (bytes32) {
        return
            keccak256(
                abi.encodePacked(
                    schema,
                    recipient,
                    attester,
                    uint64(block.timestamp),
                    expirationTime,
                    revocable,
                    bytes32(0),
                    data,
                    uint32(0)
                )
            );
    }

    /// @dev Expects `attester`'s attestation to revert with `revertData`, then checks that EAS stored nothing.
    function _expectRefused(
        address attester,
        bytes32 schema,
        address recipient,
        uint64 expirationTime,
        bool revocable,
        bytes memory data,
        bytes memory revertData
    ) internal {
        bytes32 uid = _predictUid(attester, schema, recipient, expirationTime, revocable, data);
        AttestationRequest memory request = _request(schema, recipient, expirationTime, revocable, data);
        vm.expectRevert(revertData);
        vm.prank(attester);
        eas.attest(request);
        assertEq(eas.getAttestation(uid).uid, bytes32(0), "EAS stored nothing");
    }

    /*//////////////////////////////////////////////////////////////
                               MARKET
    //////////////////////////////////////////////////////////////*/

    /// @dev An offer of the default terms whose buyer policy is the AttestationPolicy.
    function _vettedOffer() internal returns (uint256) {
        OfferParams memory p = _h100Params();
        p.buyerPolicy = address(vetPolicy);
        return _createOffer(p);
    }

    function _list(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _list(address a, address b) internal pure returns (address[] memory list) {
        list = new address[](2);
        list[0] = a;
        list[1] = b;
    }
}
