// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBuyerPolicy} from "../interfaces/IBuyerPolicy.sol";

/// @title AllowlistPolicy
/// @notice One shared contract in which every provider keeps its own list of vetted buyers. An offer that names
/// this policy accepts only buyers on its provider's list. Stores addresses only: no identity.
contract AllowlistPolicy is IBuyerPolicy {
    mapping(address provider => mapping(address buyer => bool allowed)) private _allowed;

    /// @notice Emitted when a provider adds a buyer to, or removes one from, its list.
    event BuyerAllowed(address indexed provider, address indexed buyer, bool allowed);

    /// @notice Adds (`allowed` true) or removes buyers from the caller's own list.
    /// @dev Requirements: none; any address manages only its own list.
    function setAllowed(address[] calldata buyers, bool allowed) external {
        for (uint256 i = 0; i < buyers.length; ++i) {
            _allowed[msg.sender][buyers[i]] = allowed;
            emit BuyerAllowed(msg.sender, buyers[i], allowed);
        }
    }

    /// @inheritdoc IBuyerPolicy
    function isAllowed(address provider, uint256, address buyer) external view returns (bool) {
        return _allowed[provider][buyer];
    }
}
