// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {Errors} from "./Errors.sol";

/// @notice Token pulls that either bring in exactly the amount asked for or revert: the market's escrow must
/// equal what it owes, so fee-on-transfer and other short-changing tokens are refused at the door.
library ExactTransfers {
    using SafeERC20 for IERC20;

    /// @dev Pulls exactly `amount` into the market or reverts: tokens that take a fee on transfer would leave the
    /// escrow short, so the balance change is checked.
    function pullExact(IERC20 token, address from, uint256 amount) internal {
        uint256 before = selfBalance(token);
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = selfBalance(token) - before;
        if (received != amount) revert Errors.Market_FeeOnTransferToken(address(token), amount, received);
    }

    /// @dev `token.balanceOf(address(this))` without the ABI round trip through free memory: this runs twice on
    /// every deposit, so its overhead counts. Uses only the scratch space (0x00-0x3f).
    function selfBalance(IERC20 token) internal view returns (uint256 amount) {
        bool ok;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, 0x70a08231) // balanceOf(address)
            mstore(0x20, address())
            ok := and(gt(returndatasize(), 0x1f), staticcall(gas(), token, 0x1c, 0x24, 0x00, 0x20))
            amount := mload(0x00)
        }
        if (!ok) revert Errors.Market_TokenCallFailed(address(token));
    }
}
