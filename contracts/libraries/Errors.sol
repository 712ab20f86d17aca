// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LeaseStatus} from "../types/DataTypes.sol";

/// @notice Every custom error of the Gridlease contracts. Each carries the values that explain it.
library Errors {
    // Configuration
    error Market_ZeroAddress();
    error Market_FeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    error Market_ActivationWindowOutOfRange(uint256 window, uint256 min, uint256 max);
    error Market_Paused();
    error Market_TokenNotAllowed(address token);
    error Market_TooManyPaymentTokens(uint256 max);
    error Market_FeeOnTransferToken(address token, uint256 expected, uint256 received);
    error Market_TokenCallFailed(address token);
    error Market_NothingToWithdraw(address token);
    error Market_InsufficientGas(uint256 gasLeft);
    error Market_NoCredit(address token, address account);
    error Market_CannotSweep(address token);
    error Market_NotDelegated();
    error Market_ExtensionMismatch(address extension);

    // Providers
    error Market_ProviderNotRegistered(address provider);
    error Market_ProviderAlreadyRegistered(address provider);
    error Market_ZeroAmount();
    error Market_InsufficientBond(address provider, uint256 bond, uint256 required);
    error Market_WithdrawalExceedsBond(address provider, uint256 bond, uint256 requested);
    error Market_BondLocked(address provider, uint256 lockedBond, uint256 freeBond);
    error Market_BondCommitted(address provider, uint256 freeBond, uint256 penalty);

    // Offers
    error Market_UnknownOffer(uint256 offerId);
    error Market_NotOfferProvider(uint256 offerId, address caller);
    error Market_InvalidGpusPerUnit(uint256 gpusPerUnit, uint256 max);
    error Market_InvalidUnits(uint256 units, uint256 max);
    error Market_InvalidPrice(uint256 price, uint256 max);
    error Market_InvalidDurationRange(uint256 minDuration, uint256 maxDuration, uint256 cap);
    error Market_InvalidBond(uint256 bond, uint256 max);
    error Market_EmptyLabel();
    error Market_PolicyNotContract(address policy);
    error Market_UnitsBelowInUse(uint256 offerId, uint256 requested, uint256 inUse);
    error Market_OfferPaused(uint256 offerId);
    error Market_OfferAlreadyInState(uint256 offerId, bool paused);
    error Market_OfferIdsExhausted();
    error Market_InvalidRepairWindow(uint256 window, uint256 min, uint256 max);

    // Leases
    error Market_UnknownLease(uint256 leaseId);
    error Market_ZeroUnits();
    error Market_DepositZero(uint256 offerId, uint256 units, uint256 duration);
    error Market_UnitsUnavailable(uint256 offerId, uint256 requested, uint256 available);
    error Market_DurationOutOfRange(uint256 duration, uint256 minDuration, uint256 maxDuration);
    error Market_PriceAboveMax(uint256 offerId, uint256 price, uint256 maxPrice);
    error Market_DepositTooLarge(uint256 deposit);
    error Market_BuyerNotAllowed(uint256 offerId, address buyer);
    error Market_InvalidPublicKey();
    error Market_EmptyAccessPayload();
    error Market_AccessPayloadTooLarge(uint256 length, uint256 max);
    error Market_NotLeaseBuyer(uint256 leaseId, address caller);
    error Market_NotLeaseProvider(uint256 leaseId, address caller);
    error Market_NotLeaseParty(uint256 leaseId, address caller);
    error Market_InvalidPenalty(uint256 penaltyBps, uint256 max);
    error Market_UnexpectedStatus(uint256 leaseId, LeaseStatus status);
    error Market_ActivationWindowMissed(uint256 leaseId, uint256 deadline);
    error Market_ActivationWindowOpen(uint256 leaseId, uint256 deadline);
    error Market_LeaseNotExpired(uint256 leaseId, uint256 end);
    error Market_ZeroDuration();
    error Market_EmptyLeaseList();
    error Market_NothingToClaim();
    error Market_TooManyLeases();

    // Reserved capacity
    error Market_InvalidPrepaidWindow(uint256 window, uint256 min, uint256 max);
    error Market_InvalidCommitment(uint256 commitment, uint256 noticePeriod, uint256 exitFeeBps);
    error Market_NotRollingOffer(uint256 offerId);
    error Market_NotRollingLease(uint256 leaseId);
    error Market_FundingOutOfRange(uint256 funded, uint256 min, uint256 max);
    error Market_LeaseUnfunded(uint256 leaseId, uint256 fundedUntil);
    error Market_LeaseFunded(uint256 leaseId);
    error Market_GraceNotOver(uint256 leaseId, uint256 graceEnds);
    error Market_InvalidTopUpAllowance(uint256 perTopUp, uint256 totalCap, uint256 runwayThreshold);
    error Market_TopUpNotAllowed(uint256 leaseId);
    error Market_RunwayAboveThreshold(uint256 leaseId, uint256 runway, uint256 threshold);
    error Market_TopUpBeyondWindow(uint256 leaseId, uint256 fundedUntil, uint256 limit);
    error Market_TopUpAboveCap(uint256 leaseId, uint256 amount, uint256 perTopUp);
    error Market_TopUpAllowanceExhausted(uint256 leaseId, uint256 amount, uint256 remaining);
    error Market_InvalidServerCount(uint256 leaseId, uint256 count, uint256 units);

    // Outages
    error Market_InvalidOutageUnits(uint256 leaseId, uint256 units, uint256 leaseUnits);
    error Market_OutageUnitsNotRaised(uint256 leaseId, uint256 units, uint256 downUnits);
    error Market_TooManyOutageReports(uint256 leaseId, uint256 max);
    error Market_NoOpenOutage(uint256 leaseId);
    error Market_RepairDeadlinePassed(uint256 leaseId, uint256 deadline);
    error Market_OutageExitClosed(uint256 leaseId);

    // Attestation claims
    error Market_BadAttestationGeneration(uint8 generation);
    error Market_AttestationSize(uint256 reportLength, uint256 chainLength);
    error Market_StaleAttestationBlock(uint256 nonceBlock, uint256 current);
    error Market_AttestationNonceMismatch(bytes32 expected, bytes32 reported);
}
