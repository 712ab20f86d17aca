// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/Common.sol";
import {EasBase} from "./EasBase.sol";
import {IGridleaseReviewResolver} from "../../../contracts/attestations/interfaces/IGridleaseReviewResolver.sol";
import {IGridleaseSchemaResolver} from "../../../contracts/attestations/interfaces/IGridleaseSchemaResolver.sol";
import {EndReason, LeaseStatus} from "../../../contracts/types/DataTypes.sol";

contract ReviewResolver_Unit_Test is EasBase {
    /// @dev EAS's own error for a revocation or revocable attestation of an irrevocable schema.
    error Irrevocable();

    uint256 internal offerId;

    function setUp() public virtual override {
        super.setUp();
        offerId = _createDefaultOffer();
    }

    function test_WhenDeployed_BindsItsSchema() public view {
        assertEq(reviews.SCHEMA_UID(), _schemaUid(REVIEW_SCHEMA, address(reviews), false), "uid");
        assertEq(reviews.SCHEMA_UID(), reviewSchema, "the registered uid");
        assertEq(bytes(reviews.SCHEMA()), bytes(REVIEW_SCHEMA), "schema string");
        assertFalse(reviews.REVOCABLE(), "irrevocable");
        assertEq(reviews.MARKET(), address(market), "market");
        assertEq(reviews.MIN_SCORE(), 1, "min");
        assertEq(reviews.MAX_SCORE(), 5, "max");
    }

    function test_RevertWhen_MarketHasNoCode() public {
        bytes memory initCode = abi.encodePacked(reviewCode, abi.encode(eas, stranger));
        vm.expectRevert(abi.encodeWithSelector(IGridleaseSchemaResolver.InvalidMarket.selector, stranger));
        _create(initCode);
    }

    function test_GivenLeaseActive_Posts() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        bytes memory data = _reviewData(leaseId, 4, true);
        bytes32 expected = _predictUid(buyer, reviewSchema, provider, 0, false, data);
        vm.expectEmit(true, true, true, true, address(reviews));
        emit IGridleaseReviewResolver.ReviewPosted(expected, leaseId, provider, buyer, 4, true, REPORT_HASH);
        bytes32 uid = _attest(buyer, reviewSchema, provider, 0, false, data);
        assertEq(uid, expected, "uid");
        assertEq(reviews.reviewOf(leaseId), uid, "recorded as the lease's review");
        assertEq(reviews.reviewOf(leaseId + 1), bytes32(0), "other leases have none");
    }

    function test_GivenLeaseExpired_Posts() public {
        uint256 leaseId = _openActive(offerId, 1, 1 hours);
        vm.warp(block.timestamp + 2 hours);
        assertEq(uint8(market.getLease(leaseId).status), uint8(LeaseStatus.Expired), "expired, not closed");
        _review(buyer, leaseId, 5);
        assertTrue(reviews.reviewOf(leaseId) != bytes32(0), "posted");
    }

    function test_GivenLeaseEndedAfterActivation_Posts() public {
        // Closed after expiry.
        uint256 expired = _openActive(offerId, 1, 1 hours);
        vm.warp(block.timestamp + 1 hours);
        market.closeLease(expired);
        // Ended by the buyer in the second it started (a zero duration, yet it ran).
        uint256 byBuyer = _openActive(offerId, 1, 1 hours);
        vm.prank(buyer);
        market.terminateLease(byBuyer);
        assertEq(market.getLease(byBuyer).duration, 0, "served nothing");
        // Ended by the provider after serving.
        uint256 byProvider = _openActive(offerId, 1, 1 hours);
        vm.warp(block.timestamp + 10 minutes);
        vm.prank(provider);
        market.terminateLease(byProvider);

        uint256[3] memory ids = [expired, byBuyer, byProvider];
        for (uint256 i = 0; i < ids.length; ++i) {
            assertEq(uint8(market.getLease(ids[i]).status), uint8(LeaseStatus.Ended), "ended");
            _review(buyer, ids[i], 3);
            assertTrue(reviews.reviewOf(ids[i]) != bytes32(0), "posted");
        }
    }

    function test_GivenProviderEndedAFullyDownLease_Posts() public {
        // Every server down from activation until its resolution, then the provider ends the lease: the lease
        // served no billed second (its duration ends at zero), but its outage report shows it ran.
        uint256 leaseId = _openActive(offerId, 2, 2 hours);
        vm.prank(buyer);
        market.reportOutage(leaseId, 2, keccak256("down"));
        vm.warp(block.timestamp + 1 hours);
        vm.prank(provider);
        market.resolveOutage(leaseId, "");
        vm.prank(provider);
        market.terminateLease(leaseId);
        assertEq(market.getLease(leaseId).duration, 0, "zero duration");
        assertEq(uint8(market.getLease(leaseId).endReason), uint8(EndReason.ProviderTerminated), "reason");
        _review(buyer, leaseId, 1);
        assertTrue(reviews.reviewOf(leaseId) != bytes32(0), "posted");
    }

    function test_RevertWhen_PayloadMalformed() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        _refuse(
            buyer,
            provider,
            0,
            abi.encode(leaseId, uint8(4), true),
            abi.encodeWithSelector(IGridleaseSchemaResolver.MalformedPayload.selector, 128, 96),
            leaseId
        );
        _refuse(
            buyer,
            provider,
            0,
            abi.encode(leaseId, uint256(256), true, REPORT_HASH),
            abi.encodeWithSelector(IGridleaseSchemaResolver.NonCanonicalField.selector, 1, 256),
            leaseId
        );
        _refuse(
            buyer,
            provider,
            0,
            abi.encode(leaseId, uint8(4), uint256(2), REPORT_HASH),
            abi.encodeWithSelector(IGridleaseSchemaResolver.NonCanonicalField.selector, 2, 2),
            leaseId
        );
    }

    function test_RevertWhen_LeaseUnknown() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        uint256[2] memory unknown = [uint256(0), leaseId + 1];
        for (uint256 i = 0; i < unknown.length; ++i) {
            _refuse(
                buyer,
                provider,
                0,
                _reviewData(unknown[i], 4, true),
                abi.encodeWithSelector(IGridleaseReviewResolver.UnknownLease.selector, unknown[i]),
                unknown[i]
            );
        }
    }

    function test_RevertWhen_AttesterNotBuyer() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        address[2] memory others = [stranger, provider];
        for (uint256 i = 0; i < others.length; ++i) {
            _refuse(
                others[i],
                provider,
                0,
                _reviewData(leaseId, 5, true),
                abi.encodeWithSelector(
                    IGridleaseReviewResolver.NotLeaseBuyer.selector,
                    leaseId,
                    others[i],
                    buyer
                ),
                leaseId
            );
        }
    }

    function test_RevertGiven_LeaseNeverActivated() public {
        // Pending.
        uint256 pending = _open(buyer, offerId, 1, 1 hours);
        // Cancelled as a no-show.
        uint256 noShow = _open(buyer, offerId, 1, 1 hours);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.prank(buyer);
        market.cancelLease(noShow);
        // Refused by the provider while pending.
        uint256 refused = _open(buyer, offerId, 1, 1 hours);
        vm.prank(provider);
        market.terminateLease(refused);
        assertEq(uint8(market.getLease(refused).endReason), uint8(EndReason.ProviderTerminated), "refused");

        uint256[3] memory ids = [pending, noShow, refused];
        for (uint256 i = 0; i < ids.length; ++i) {
            _refuse(
                buyer,
                provider,
                0,
                _reviewData(ids[i], 2, false),
                abi.encodeWithSelector(IGridleaseReviewResolver.LeaseNotActivated.selector, ids[i]),
                ids[i]
            );
        }
    }

    function test_RevertWhen_AlreadyReviewed() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        bytes32 first = _review(buyer, leaseId, 4);
        vm.warp(block.timestamp + 1);
        _refuse(
            buyer,
            provider,
            0,
            _reviewData(leaseId, 1, false),
            abi.encodeWithSelector(IGridleaseReviewResolver.AlreadyReviewed.selector, leaseId, first),
            leaseId
        );
        assertEq(reviews.reviewOf(leaseId), first, "the first review stays");
    }

    function test_RevertWhen_ScoreOutOfRange() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        uint8[3] memory bad = [0, 6, 255];
        for (uint256 i = 0; i < bad.length; ++i) {
            _refuse(
                buyer,
                provider,
                0,
                _reviewData(leaseId, bad[i], true),
                abi.encodeWithSelector(IGridleaseReviewResolver.InvalidScore.selector, bad[i]),
                leaseId
            );
        }
    }

    function test_RevertWhen_RecipientNotProvider() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        _refuse(
            buyer,
            stranger,
            0,
            _reviewData(leaseId, 3, true),
            abi.encodeWithSelector(
                IGridleaseReviewResolver.ReviewRecipientNotProvider.selector,
                stranger,
                provider
            ),
            leaseId
        );
    }

    function test_RevertWhen_ReviewExpires() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        uint64 expiry = uint64(block.timestamp + 1 days);
        _refuse(
            buyer,
            provider,
            expiry,
            _reviewData(leaseId, 3, true),
            abi.encodeWithSelector(IGridleaseReviewResolver.ReviewMustNotExpire.selector, expiry),
            leaseId
        );
    }

    function test_RevertWhen_Revoked() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        // A revocable review is refused by EAS, the schema being irrevocable.
        bytes memory data = _reviewData(leaseId, 3, true);
        _expectRefused(
            buyer,
            reviewSchema,
            provider,
            0,
            true,
            data,
            abi.encodeWithSelector(Irrevocable.selector)
        );
        bytes32 uid = _review(buyer, leaseId, 3);
        vm.expectRevert(Irrevocable.selector);
        _revoke(buyer, reviewSchema, uid);
        assertEq(eas.getAttestation(uid).revocationTime, 0, "not revoked");

        // Refused by the resolver too, whatever EAS checked.
        Attestation memory a = eas.getAttestation(uid);
        a.revocable = true;
        vm.expectRevert(abi.encodeWithSelector(IGridleaseReviewResolver.ReviewIrrevocable.selector, uid));
        vm.prank(address(eas));
        reviews.revoke(a);
        a.revocable = false;
        vm.prank(address(eas));
        assertFalse(reviews.revoke(a), "an irrevocable one: refused with false");
    }

    function test_RevertWhen_AttestationOfAnotherSchema() public {
        uint256 leaseId = _openActive(offerId, 1, 2 hours);
        Attestation memory a;
        a.schema = auditSchema;
        a.attester = buyer;
        a.recipient = provider;
        a.data = _reviewData(leaseId, 3, true);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGridleaseSchemaResolver.UnexpectedSchema.selector,
                auditSchema,
                reviewSchema
            )
        );
        vm.prank(address(eas));
        reviews.attest(a);
    }

    /// @dev Expects the review to be refused with `revertData`, EAS storing nothing and the lease keeping the
    /// review it had.
    function _refuse(
        address attester,
        address recipient,
        uint64 expirationTime,
        bytes memory data,
        bytes memory revertData,
        uint256 leaseId
    ) internal {
        bytes32 before = reviews.reviewOf(leaseId);
        _expectRefused(attester, reviewSchema, recipient, expirationTime, false, data, revertData);
        assertEq(reviews.reviewOf(leaseId), before, "the lease's review is unchanged");
    }
}
