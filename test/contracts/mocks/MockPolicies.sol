// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBuyerPolicy} from "../../../contracts/interfaces/IBuyerPolicy.sol";

/// @notice A buyer policy that always reverts.
contract RevertingPolicy is IBuyerPolicy {
    error PolicyUnavailable();

    function isAllowed(address, uint256, address) external pure returns (bool) {
        revert PolicyUnavailable();
    }
}

/// @notice A buyer policy that refuses everyone.
contract DenyAllPolicy is IBuyerPolicy {
    function isAllowed(address, uint256, address) external pure returns (bool) {
        return false;
    }
}

/// @notice A buyer policy that returns data the market cannot decode as a bool: nothing, or the word 2.
contract MalformedPolicy {
    bool public returnsNothing;

    constructor(bool returnsNothing_) {
        returnsNothing = returnsNothing_;
    }

    function isAllowed(address, uint256, address) external view returns (bool) {
        bool nothing = returnsNothing;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            if nothing {
                return(0, 0)
            }
            mstore(0, 2)
            return(0, 0x20)
        }
    }
}

/// @notice A buyer policy that tries to call back into the market while it is being asked about a buyer. It does
/// not declare `isAllowed` as view, but the market calls it with STATICCALL anyway.
/// - `bubble`: a failed re-entrant call makes the policy revert.
/// - otherwise: the policy allows the buyer only if the re-entrant call failed, so a lease that opens proves the
///   re-entry was stopped.
contract ReentrantPolicy {
    address public immutable market;
    bytes public payload;
    bool public bubble;

    constructor(address market_) {
        market = market_;
    }

    function configure(bytes calldata payload_, bool bubble_) external {
        payload = payload_;
        bubble = bubble_;
    }

    function isAllowed(address, uint256, address) external returns (bool) {
        (bool ok, bytes memory ret) = market.call(payload);
        if (!ok && bubble) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return !ok;
    }
}

/// @notice A buyer policy that spins until the gas it was given runs out.
contract GasBurnerPolicy {
    function isAllowed(address, uint256, address) external view returns (bool) {
        uint256 i;
        while (gasleft() > 0) ++i;
        return true;
    }
}

/// @notice A buyer policy whose answer is the word `answer` followed by `size - 32` bytes of padding, either as its
/// return data or as its revert data: the market must copy at most 32 bytes of either.
contract HugeDataPolicy {
    uint256 public immutable size;
    bool public immutable reverts;
    uint256 public immutable answer;

    constructor(uint256 size_, bool reverts_, uint256 answer_) {
        size = size_;
        reverts = reverts_;
        answer = answer_;
    }

    function isAllowed(address, uint256, address) external view returns (bool) {
        uint256 n = size;
        bool r = reverts;
        uint256 a = answer;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            mstore(0, a)
            if r {
                revert(0, n)
            }
            return(0, n)
        }
    }
}
