// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice What a {HookToken} calls on a contract that receives it (as ERC-777 and ERC-1363 tokens do).
interface ITokenReceiver {
    function onTokenReceived(address from, uint256 amount) external;
}

/// @notice An ERC-20 that calls `onTokenReceived` on every receiver that registered for it (as ERC-777 receivers
/// register), and fails the transfer when the hook reverts or runs out of gas.
contract HookToken is ERC20 {
    mapping(address receiver => bool) public hooked;

    constructor() ERC20("Hook Token", "HOOK") {}

    function registerHook(address receiver) external {
        hooked[receiver] = true;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && hooked[to]) ITokenReceiver(to).onTokenReceived(from, value);
    }
}

/// @notice A buyer contract whose receive hook accepts, refuses, or burns all the gas it is given.
contract HookBuyer is ITokenReceiver {
    enum Mode {
        Accept,
        Refuse,
        BurnGas
    }

    error Refused();

    Mode public mode;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Makes a call as this contract (approve, openLease, withdrawCredit, ...), bubbling any revert.
    function execute(address to, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    function onTokenReceived(address, uint256) external view override {
        Mode m = mode;
        if (m == Mode.Refuse) revert Refused();
        if (m == Mode.BurnGas) {
            // Spins until the gas it was given runs out.
            uint256 i;
            while (gasleft() > 0) ++i;
        }
    }
}
