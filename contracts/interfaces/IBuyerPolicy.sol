// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IBuyerPolicy
/// @notice A contract that an offer may name to decide who may lease it.
interface IBuyerPolicy {
    /// @notice Whether `buyer` may open a lease on `offerId`, which belongs to `provider`. Emits no event (it is
    /// a view).
    /// @dev Called with STATICCALL by the market. Reverting, or answering anything but an ABI-encoded `true`,
    /// counts as "not allowed".
    /// @param provider The offer's provider, so that one policy contract can serve many providers.
    /// @param offerId The offer being leased.
    /// @param buyer The address opening the lease.
    /// @return Whether the buyer may lease.
    function isAllowed(address provider, uint256 offerId, address buyer) external view returns (bool);
}
