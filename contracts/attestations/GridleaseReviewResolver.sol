// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEAS, Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";

import {IGridleaseReviewResolver} from "./interfaces/IGridleaseReviewResolver.sol";
import {IGridleaseMarketReads} from "./interfaces/IGridleaseMarketReads.sol";
import {GridleaseSchemaResolver} from "./GridleaseSchemaResolver.sol";
import {EndReason, LeaseStatus, LeaseView} from "../types/DataTypes.sol";

/// @title GridleaseReviewResolver
/// @notice Accepts one review per activated lease, from its buyer only, and emits its decoded fields (see
/// {IGridleaseReviewResolver}).
contract GridleaseReviewResolver is IGridleaseReviewResolver, GridleaseSchemaResolver {
    /// @notice The schema this resolver serves.
    string public constant SCHEMA = "uint256 leaseId,uint8 score,bool verified,bytes32 reportHash";
    /// @notice Whether the schema is revocable: reviews are permanent.
    bool public constant REVOCABLE = false;
    /// @notice The lowest score.
    uint8 public constant MIN_SCORE = 1;
    /// @notice The highest score.
    uint8 public constant MAX_SCORE = 5;

    uint256 private constant FIELDS = 4;

    /// @notice The market whose leases are reviewed.
    IGridleaseMarketReads public immutable MARKET;

    mapping(uint256 leaseId => bytes32 uid) private _reviews;

    /// @param eas The EAS contract.
    /// @param market The Gridlease market.
    constructor(IEAS eas, address market) GridleaseSchemaResolver(eas, SCHEMA, REVOCABLE) {
        _checkMarket(market);
        MARKET = IGridleaseMarketReads(market);
    }

    /// @inheritdoc IGridleaseReviewResolver
    function reviewOf(uint256 leaseId) external view returns (bytes32 uid) {
        return _reviews[leaseId];
    }

    /// @dev See {IGridleaseReviewResolver} for the rules, checked in its order.
    function onAttest(Attestation calldata attestation, uint256) internal override returns (bool) {
        // Checks
        _requireSchema(attestation.schema);
        bytes calldata data = attestation.data;
        _requireWords(data, FIELDS);
        uint256 leaseId = _word(data, 0);
        uint8 score = uint8(_field(data, 1, type(uint8).max));
        bool verified = _field(data, 2, 1) == 1;
        bytes32 reportHash = bytes32(_word(data, 3));

        // getLease reverts for an unknown id with the market's error; the count gives ours instead.
        if (leaseId == 0 || leaseId > MARKET.leaseCount()) revert UnknownLease(leaseId);
        LeaseView memory lease = MARKET.getLease(leaseId);
        if (attestation.attester != lease.buyer) {
            revert NotLeaseBuyer(leaseId, attestation.attester, lease.buyer);
        }
        if (!_wasActivated(lease)) revert LeaseNotActivated(leaseId);
        bytes32 existing = _reviews[leaseId];
        if (existing != bytes32(0)) revert AlreadyReviewed(leaseId, existing);
        if (score < MIN_SCORE || score > MAX_SCORE) revert InvalidScore(score);
        if (attestation.recipient != lease.provider) {
            revert ReviewRecipientNotProvider(attestation.recipient, lease.provider);
        }
        if (attestation.expirationTime != 0) revert ReviewMustNotExpire(attestation.expirationTime);
        // Effects
        _reviews[leaseId] = attestation.uid;
        emit ReviewPosted(attestation.uid, leaseId, lease.provider, lease.buyer, score, verified, reportHash);
        return true;
    }

    /// @dev Unreachable through EAS: it revokes only attestations made revocable, and it makes none of a schema
    /// that is not. Refused here too, so that nothing depends on that: a revocable one with our error, any other
    /// with `false` (EAS then reverts with its own InvalidRevocation).
    function onRevoke(Attestation calldata attestation, uint256) internal pure override returns (bool) {
        if (attestation.revocable) revert ReviewIrrevocable(attestation.uid);
        return false;
    }

    /// @dev Whether the lease ever started. Active and expired leases did. Of ended ones: a no-show never did; a
    /// provider's termination ends a pending lease with a zero duration and no outage report (outages are reported
    /// on active leases only), so it started if it served a second or had a report; every other end reason needs an
    /// active lease.
    function _wasActivated(LeaseView memory lease) private pure returns (bool) {
        LeaseStatus status = lease.status;
        if (status == LeaseStatus.Active || status == LeaseStatus.Expired) return true;
        if (status != LeaseStatus.Ended) return false;
        EndReason reason = lease.endReason;
        if (reason == EndReason.NoShowCancelled) return false;
        if (reason == EndReason.ProviderTerminated) return lease.duration != 0 || lease.outageReports != 0;
        return true;
    }
}
