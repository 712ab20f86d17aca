// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The lease arithmetic, in one place. The TypeScript SDK mirrors it and is tested against it.
/// @dev Every amount is `floor(pricePerGpuHour * gpus * seconds / 3600)` for the GPUs of a lease, so the
/// deposit for the whole duration equals the accrual at its end and the buyer is never charged more than
/// the exact price. The flooring favours the buyer by less than one base unit per lease.
library LeaseMath {
    uint256 internal constant SECONDS_PER_HOUR = 3600;
    uint256 internal constant BPS = 10_000;

    /// @notice Cost of `gpus` GPUs for `seconds_` seconds at `pricePerGpuHour`, rounded down.
    /// @dev unchecked: every caller passes a price that fits 96 bits, at most 1,024 x 65,535 GPUs (26 bits) and
    /// seconds within a lease's 32-bit duration plus its extension, so the product stays below 2^155.
    function cost(uint256 pricePerGpuHour, uint256 gpus, uint256 seconds_) internal pure returns (uint256) {
        unchecked {
            return (pricePerGpuHour * gpus * seconds_) / SECONDS_PER_HOUR;
        }
    }

    /// @notice Seconds of service delivered at `now_` for a lease that started at `start` and lasts `duration`.
    function elapsed(uint256 start, uint256 duration, uint256 now_) internal pure returns (uint256) {
        if (now_ <= start) return 0;
        uint256 e = now_ - start;
        return e < duration ? e : duration;
    }

    /// @notice The protocol's share of a cumulative gross amount, rounded down. Fees are computed on cumulative
    /// totals so that many small claims round exactly like one large one.
    function feeOn(uint256 grossCumulative, uint256 feeBps) internal pure returns (uint256) {
        return (grossCumulative * feeBps) / BPS;
    }
}
