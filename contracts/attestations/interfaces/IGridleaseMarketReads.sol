// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LeaseView, Offer} from "../../types/DataTypes.sol";

/// @title IGridleaseMarketReads
/// @notice The market reads the attestation contracts rely on, all served by the market's address (the extension
/// answers them through the core's delegation; see {IGridleaseMarketExtension}).
interface IGridleaseMarketReads {
    /// @notice The stored record of an offer; all zero (provider included) for an offer that does not exist.
    /// @param offerId The offer.
    /// @return The offer's {Offer}.
    function getOffer(uint256 offerId) external view returns (Offer memory);

    /// @notice Everything about one lease, decoded. Reverts for a lease that does not exist.
    /// @param leaseId The lease.
    /// @return The lease's {LeaseView}.
    function getLease(uint256 leaseId) external view returns (LeaseView memory);

    /// @notice Number of leases opened so far; lease ids run from 1 to this.
    /// @return The count.
    function leaseCount() external view returns (uint256);
}
