// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IGridleaseMarket} from "../../../contracts/interfaces/IGridleaseMarket.sol";
import {Offer, Provider} from "../../../contracts/types/DataTypes.sol";

/// @notice Every external function of the deployed IMarketUnderTest: its interface plus the getters, constants and
/// ownership functions it inherits. Tests call the market through this so that they never import (and so never
/// compile) the market itself: they deploy it from its production artifact (see BaseTest._deployMarket).
/// MarketBytecode.t.sol checks that this declares nothing the market lacks, by calling each function.
interface IMarketUnderTest is IGridleaseMarket {
    // Constants and immutables
    function MAX_FEE_BPS() external view returns (uint256);
    function MAX_UNITS() external view returns (uint256);
    function MAX_GPUS_PER_UNIT() external view returns (uint256);
    function MAX_LEASE_DURATION() external view returns (uint256);
    function MIN_ACTIVATION_WINDOW() external view returns (uint256);
    function MAX_ACTIVATION_WINDOW() external view returns (uint256);
    function MAX_ACCESS_BYTES() external view returns (uint256);
    function MAX_CLAIM_BATCH() external view returns (uint256);
    function MAX_PAYMENT_TOKENS() external view returns (uint256);
    function BOND_TOKEN() external view returns (IERC20);
    function PENALTY_BPS() external view returns (uint256);
    function MIN_REPAIR_WINDOW() external view returns (uint256);
    function MAX_REPAIR_WINDOW() external view returns (uint256);
    function MAX_OUTAGE_REPORTS() external view returns (uint256);
    function REPORT_COOLDOWN() external view returns (uint256);
    function POLICY_GAS() external view returns (uint256);
    function PAYOUT_GAS() external view returns (uint256);
    function EXTENSION() external view returns (address);
    function MAX_ATTESTATION_REPORT_BYTES() external view returns (uint256);
    function MAX_ATTESTATION_CHAIN_BYTES() external view returns (uint256);
    function ATTESTATION_BLOCK_WINDOW() external view returns (uint256);
    function STAKE_PENALTY_BPS() external view returns (uint256);
    function MAX_EXIT_FEE_BPS() external view returns (uint256);
    function MIN_PREPAID_WINDOW() external view returns (uint256);
    function GRACE_PERIOD() external view returns (uint256);
    function PERIPHERY() external view returns (address); // the extension's, read through the market

    // Reads
    function getOffer(uint256 offerId) external view returns (Offer memory);
    function getProvider(address provider) external view returns (Provider memory);
    function escrowOf(uint256 leaseId) external view returns (uint256);
    function protocolFees(address token) external view returns (uint256);
    function isPaymentToken(address token) external view returns (bool);
    function paymentTokens() external view returns (address[] memory);
    function treasury() external view returns (address);
    function feeBps() external view returns (uint256);
    function activationWindow() external view returns (uint256);
    function paused() external view returns (bool);
    function offerCount() external view returns (uint256);
    function leaseCount() external view returns (uint256);

    // Ownable2Step
    function owner() external view returns (address);
    function pendingOwner() external view returns (address);
    function transferOwnership(address newOwner) external;
    function acceptOwnership() external;
    function renounceOwnership() external;
}
