// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC-20 whose `balanceOf` can be made to revert, return nothing, or return fewer than 32 bytes.
contract BrokenBalanceToken is ERC20 {
    enum Mode {
        Normal,
        Reverts,
        ReturnsNothing,
        ReturnsShort
    }

    Mode public mode;

    constructor() ERC20("Broken Balance", "BROKEN") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function balanceOf(address account) public view override returns (uint256) {
        Mode m = mode;
        if (m == Mode.Reverts) revert("balanceOf disabled");
        if (m == Mode.ReturnsNothing) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                return(0, 0)
            }
        }
        if (m == Mode.ReturnsShort) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                mstore(0, 0xffffffffffffffffffffffffffffffff)
                return(0x10, 0x10)
            }
        }
        return super.balanceOf(account);
    }
}
