// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title GridleaseToken
/// @notice The marketplace token (GRID): 18 decimals, EIP-2612 permit, a fixed supply minted once at deployment.
/// Providers post their bonds in it, and offers may be priced in it.
contract GridleaseToken is ERC20, ERC20Permit {
    constructor(
        address initialHolder,
        uint256 initialSupply
    ) ERC20("Gridlease", "GRID") ERC20Permit("Gridlease") {
        _mint(initialHolder, initialSupply);
    }
}
