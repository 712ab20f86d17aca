// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGridleaseSchemaResolver} from "./IGridleaseSchemaResolver.sol";

/// @title IGridleaseReviewResolver
/// @notice The resolver of the lease-review schema `uint256 leaseId,uint8 score,bool verified,bytes32 reportHash`
/// (not revocable). A review is accepted when, in this order:
/// - the payload is four well-formed words;
/// - the lease exists on the market;
/// - the attester is the lease's buyer;
/// - the lease was activated: it is active or expired now, or it ended after its activation;
/// - the lease has no review yet (one per lease);
/// - the score is 1 to 5;
/// - the recipient is the lease's provider;
/// - the attestation does not expire.
/// It then records the review as the lease's and emits {ReviewPosted} with the decoded fields.
/// Notes:
/// - "Ended after its activation" is read from the market's lease view: a lease ended as NoShowCancelled never
///   started; one ended as ProviderTerminated started only if it served a second or had an outage report (a
///   pending lease the provider refuses ends with a zero duration). So a lease its provider activated and ended
///   within the same second, having served nothing, cannot be reviewed.
interface IGridleaseReviewResolver is IGridleaseSchemaResolver {
    /// @notice A review was posted.
    /// @param uid The EAS attestation UID.
    /// @param leaseId The reviewed lease.
    /// @param provider The lease's provider (the attestation's recipient).
    /// @param buyer The lease's buyer (the attester).
    /// @param score 1 to 5.
    /// @param verified Whether the buyer's `lease verify` run passed.
    /// @param reportHash Hash of that verify run's report (zero when none).
    event ReviewPosted(
        bytes32 indexed uid,
        uint256 indexed leaseId,
        address indexed provider,
        address buyer,
        uint8 score,
        bool verified,
        bytes32 reportHash
    );

    /// @notice The reviewed lease does not exist on the market.
    /// @param leaseId The lease named in the payload.
    error UnknownLease(uint256 leaseId);

    /// @notice The attester is not the lease's buyer.
    /// @param leaseId The lease.
    /// @param attester The attestation's attester.
    /// @param buyer The lease's buyer.
    error NotLeaseBuyer(uint256 leaseId, address attester, address buyer);

    /// @notice The lease was never activated (still pending, cancelled as a no-show, or refused by its provider).
    /// @param leaseId The lease.
    error LeaseNotActivated(uint256 leaseId);

    /// @notice The lease already has its review.
    /// @param leaseId The lease.
    /// @param uid The existing review's attestation UID.
    error AlreadyReviewed(uint256 leaseId, bytes32 uid);

    /// @notice The score is not 1 to 5.
    /// @param score The score in the payload.
    error InvalidScore(uint8 score);

    /// @notice The review's recipient is not the lease's provider.
    /// @param recipient The attestation's recipient.
    /// @param provider The lease's provider.
    error ReviewRecipientNotProvider(address recipient, address provider);

    /// @notice The review has an expiration time; reviews are permanent.
    /// @param expirationTime The attestation's expirationTime.
    error ReviewMustNotExpire(uint64 expirationTime);

    /// @notice Reviews cannot be revoked (EAS refuses first: the schema is not revocable).
    /// @param uid The attestation UID.
    error ReviewIrrevocable(bytes32 uid);

    /// @notice The review of a lease.
    /// @param leaseId The lease.
    /// @return uid The review's attestation UID; zero when the lease has none.
    function reviewOf(uint256 leaseId) external view returns (bytes32 uid);
}
