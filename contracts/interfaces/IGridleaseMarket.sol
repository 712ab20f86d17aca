// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGridleaseMarketCore} from "./IGridleaseMarketCore.sol";
import {IGridleaseMarketExtension} from "./IGridleaseMarketExtension.sol";
import {IGridleaseMarketPeriphery} from "./IGridleaseMarketPeriphery.sol";

/// @title IGridleaseMarket
/// @notice A marketplace for GPU capacity. Providers list offers; buyers lease units of them and escrow ERC-20
/// tokens that stream to the provider per second of service. Every state change emits an event that carries
/// enough to rebuild all state without calling the contract.
/// @dev One address serves this whole interface: the core ({IGridleaseMarketCore}) runs the lease path itself and
/// delegates the rest ({IGridleaseMarketExtension}) to its extension, which shares its storage. The split keeps the
/// core under the EIP-170 size limit (see docs/architecture.md).
// solhint-disable-next-line no-empty-blocks
interface IGridleaseMarket is IGridleaseMarketCore, IGridleaseMarketExtension, IGridleaseMarketPeriphery {}
