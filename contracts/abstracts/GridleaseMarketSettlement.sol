// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IGridleaseMarketEvents} from "../interfaces/IGridleaseMarketEvents.sol";
import {Errors} from "../libraries/Errors.sol";
import {LeaseMath} from "../libraries/LeaseMath.sol";
import {Bond, EndReason, Lease, LeaseTerms, Offer, OfferTerms, Outage} from "../types/DataTypes.sol";
import {GridleaseMarketState} from "./GridleaseMarketState.sol";

/// @title GridleaseMarketSettlement
/// @notice How the core ends a lease and pays the buyer out, whatever ends it (a party, its expiry, a missed
/// activation or an unresolved outage). Adds no storage: it works on {GridleaseMarketState}'s.
abstract contract GridleaseMarketSettlement is IGridleaseMarketEvents, GridleaseMarketState {
    /// @dev Gas a credit needs after a failed payout: a fresh storage slot (22,100 with its cold read), the
    /// CreditAdded event and the way out, with room to spare.
    uint256 private constant CREDIT_GAS = 40_000;

    /// @dev Ends a lease: bills what it served up to now (or its funded end), charges the buyer's exit under a
    /// commitment, refunds the rest of the deposit, frees its units and its bond reservation, and pays the buyer
    /// the bond penalty when the provider is at fault (never an exit charge then). The payouts go to the buyer, so
    /// they never block the end: what the token refuses is credited (see _payOut). `snap` is the caller's copy of
    /// `lease`, read once: every field below is used, and each field read from storage would cost a SLOAD of its own.
    function _endLease(
        uint256 leaseId,
        Lease storage lease,
        Lease memory snap,
        Offer storage offer,
        EndReason reason
    ) internal {
        uint256 gpus = uint256(offer.gpusPerUnit) * snap.units;
        uint256 deposit = LeaseMath.cost(snap.pricePerGpuHour, gpus, snap.duration);
        uint256 accrued;
        uint256 endTime = block.timestamp;

        // Effects
        if (snap.phase == PHASE_PENDING) {
            lease.start = uint40(block.timestamp);
            lease.duration = 0;
        } else if (snap.flags & FLAG_OUTAGE == 0) {
            uint256 served = LeaseMath.elapsed(snap.start, snap.duration, block.timestamp);
            accrued = LeaseMath.cost(snap.pricePerGpuHour, gpus, served);
            endTime = uint256(snap.start) + served;
            lease.duration = uint32(served);
        } else {
            Outage storage outage = _outages[leaseId];
            uint256 extension = outage.extension;
            uint256 served = LeaseMath.elapsed(
                snap.start,
                uint256(snap.duration) + extension,
                block.timestamp
            );
            endTime = uint256(snap.start) + served;
            accrued = LeaseMath.cost(
                snap.pricePerGpuHour,
                offer.gpusPerUnit,
                snap.units * served - _downUnitSeconds(outage, endTime)
            );
            // The end becomes the end time. served >= extension: the end moved only by downtime already past.
            lease.duration = uint32(served - extension);
        }
        uint256 reserved;
        if (snap.flags & FLAG_TERMS == 0) {
            reserved = _penaltyOf(offer);
        } else {
            (deposit, accrued, reserved) = _settleTerms(leaseId, snap, offer, reason, gpus, deposit, accrued);
        }
        lease.phase = PHASE_ENDED_BASE + uint8(reason);
        uint256 refund = deposit - accrued;
        offer.unitsInUse -= snap.units;
        // The penalty was reserved out of the bond when the lease opened: release it, and pay it out if the
        // provider is at fault.
        uint256 penalty =
            reason == EndReason.BuyerTerminated || reason == EndReason.Expired || reason == EndReason.Unfunded
                ? 0
                : reserved;
        address token = offer.paymentToken;
        if (reserved != 0) {
            Bond storage bond = _bonds[offer.provider][offer.tokenIndex];
            // unchecked: the reservation is part of both the locked and the whole bond.
            unchecked {
                bond.locked -= uint128(reserved);
                // Skipped when nothing is paid: a write of the same value still costs a storage access.
                if (penalty != 0) bond.amount -= uint128(penalty);
            }
        }
        emit LeaseEnded(leaseId, reason, endTime, accrued, refund, penalty);

        // Interactions
        if (refund != 0) _payOut(IERC20(token), snap.buyer, refund);
        if (penalty != 0) _payOut(IERC20(token), snap.buyer, penalty);
    }

    /// @dev The end of a lease with a {LeaseTerms} record: its deposit gains what it froze and its escrowed exit
    /// terms; the buyer's early exit (or an Unfunded end before the commitment was over) adds the exit charge to
    /// what it earned, which pays the protocol fee like rent. Returns the deposit, the gross earned and the penalty
    /// it reserved.
    function _settleTerms(
        uint256 leaseId,
        Lease memory snap,
        Offer storage offer,
        EndReason reason,
        uint256 gpus,
        uint256 deposit,
        uint256 accrued
    ) private returns (uint256, uint256, uint256 reserved) {
        LeaseTerms storage terms = _leaseTerms[leaseId];
        uint256 frozen = terms.frozen;
        reserved = terms.penalty;
        deposit += frozen;
        accrued += frozen;
        uint256 charge;
        if (offer.hasTerms) {
            OfferTerms memory offerTerms = _offerTerms[snap.offerId];
            uint256 price = snap.pricePerGpuHour;
            uint256 escrow = snap.flags & FLAG_ROLLING != 0 ? _exitEscrowOf(offerTerms, price, gpus) : 0;
            deposit += escrow;
            if (reason == EndReason.BuyerTerminated || reason == EndReason.Unfunded) {
                charge = _exitChargeFor(
                    leaseId,
                    snap,
                    offerTerms,
                    offer.gpusPerUnit,
                    snap.units,
                    block.timestamp
                );
            }
            // The charge comes out of what the buyer would get back, never beyond it.
            if (charge > deposit - accrued) charge = deposit - accrued;
            if (charge != 0) {
                accrued += charge;
                emit ExitCharged(leaseId, charge);
            }
        }
        // The lease no longer reserves anything; what it earned beyond units x time is kept for claims.
        terms.penalty = 0;
        terms.frozen = uint104(frozen + charge);
        return (deposit, accrued, reserved);
    }

    /// @dev Sends `amount` of `token` to `to`, or credits it to `to` when the transfer fails (the receiver is
    /// blocklisted, the token is paused, a receive hook refuses or burns its PAYOUT_GAS): a payout to one party
    /// must never block the call that makes it. The credit is written after the failed call under the
    /// reentrancy guard; the failed call changed nothing. Reverts with Market_InsufficientGas when the transfer
    /// failed and the transaction had too little gas left to have given it PAYOUT_GAS and still write the credit:
    /// that failure is the caller's, not the receiver's.
    function _payOut(IERC20 token, address to, uint256 amount) internal {
        uint256 gasLimit = PAYOUT_GAS;
        bool ok;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(224, 0xa9059cbb)) // transfer(address,uint256)
            mstore(add(ptr, 0x04), to)
            mstore(add(ptr, 0x24), amount)
            ok := call(gasLimit, token, 0, ptr, 0x44, 0x00, 0x20)
            // As SafeERC20: no return data is success only from a contract; return data must be `true`.
            switch returndatasize()
            case 0 {
                ok := and(ok, gt(extcodesize(token), 0))
            }
            default {
                ok := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
            }
        }
        if (ok) return;
        // Besides what the 63/64 rule held back, the credit below (a fresh slot and an event) must still fit: a
        // caller who left less gets a named error, never a bare out-of-gas.
        if (gasleft() < gasLimit / 63 + CREDIT_GAS) revert Errors.Market_InsufficientGas(gasleft());
        _credits[address(token)][to] += amount;
        emit CreditAdded(to, address(token), amount);
    }
}
