// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Receives a callback after every movement of a `ReentrantToken`, the way ERC-777 and ERC-1363 hooks do.
interface ITransferHook {
    function onTokenTransfer(address from, address to, uint256 amount) external;
}

/// @notice An ERC-20 that hands control to a hook contract after every `transfer` and `transferFrom`, so that the
/// hook can call back into the market in the middle of a market operation.
contract ReentrantToken is ERC20 {
    address public hook;

    constructor() ERC20("Reentrant Token", "REENT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setHook(address hook_) external {
        hook = hook_;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        bool ok = super.transfer(to, value);
        _callHook(msg.sender, to, value);
        return ok;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        bool ok = super.transferFrom(from, to, value);
        _callHook(from, to, value);
        return ok;
    }

    function _callHook(address from, address to, uint256 value) private {
        address h = hook;
        if (h != address(0)) ITransferHook(h).onTokenTransfer(from, to, value);
    }
}

/// @notice Acts as a buyer or a provider through `execute`, and when armed, calls back into the market from the
/// token hook. With `bubble` the failure of that re-entrant call aborts the whole transaction; without it the
/// failure is recorded and the outer operation carries on.
contract ReentrancyAttacker is ITransferHook {
    address public immutable token;

    bool public armed;
    bool public bubble;
    address public target;
    bytes public payload;

    uint256 public attempts;
    bool public reentrySucceeded;
    bytes public reentryReturnData;

    constructor(address token_) {
        token = token_;
    }

    /// @notice Makes an ordinary call as this contract (approve, openLease, claim, ...), bubbling any revert.
    function execute(address to, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call(data);
        if (!ok) _bubble(ret);
    }

    function arm(address target_, bytes calldata payload_, bool bubble_) external {
        armed = true;
        target = target_;
        payload = payload_;
        bubble = bubble_;
    }

    function onTokenTransfer(address, address, uint256) external override {
        if (!armed || msg.sender != token) return;
        armed = false; // one attempt per arming
        attempts += 1;
        (bool ok, bytes memory ret) = target.call(payload);
        reentrySucceeded = ok;
        reentryReturnData = ret;
        if (!ok && bubble) _bubble(ret);
    }

    function _bubble(bytes memory ret) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(ret, 0x20), mload(ret))
        }
    }
}
