// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IBuyerPolicy
/// @notice A contract that an offer may name to decide who may lease it.
interface IBuyerPolicy {
    /// @notice Whether `buyer` may open a lease on `offerId`, which belongs to `provider`.
    /// @dev Called with STATICCALL by the market. Reverting counts as "not allowed".
    function isAllowed(address provider, uint256 offerId, address buyer) external view returns (bool);
}
