// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    Bond,
    LeaseTermsView,
    LeaseView,
    OfferAttestation,
    OfferTerms,
    Outage,
    TopUpAllowance
} from "../types/DataTypes.sol";
import {IGridleaseMarketEvents} from "./IGridleaseMarketEvents.sol";

/// @title IGridleaseMarketPeriphery
/// @notice The part of the market's interface that its periphery serves: attestation claims, administration,
/// credits and reads. The extension delegates these calls to the periphery, which also runs on the core's storage,
/// so they too are called on the market's address.
interface IGridleaseMarketPeriphery is IGridleaseMarketEvents {
    /*//////////////////////////////////////////////////////////////
                       ATTESTATION CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @notice The offer's provider publishes an NVIDIA attestation report for the offer's GPUs. The report's SPDM
    /// request must carry the nonce `attestationNonce(offerId, msg.sender, nonceBlock)`: bound to this market,
    /// chain, offer, provider and the hash of a block at most 256 blocks old, so a published (or someone else's)
    /// report cannot be replayed. The offer's claim becomes keccak256(report), with the generation, the nonce block
    /// and the time; it replaces any earlier claim.
    /// Emits an {OfferAttestationPublished} event carrying the report and the chain.
    /// Requirements:
    /// - The offer exists and the caller is its provider.
    /// - `generation` is 1 (Hopper) or 2 (Blackwell).
    /// - 37 <= report length <= MAX_ATTESTATION_REPORT_BYTES and 1 <= certChain length <= MAX_ATTESTATION_CHAIN_BYTES
    ///   (an SPDM request is 37 bytes, its nonce at bytes 4..36).
    /// - 1 <= block.number - nonceBlock <= ATTESTATION_BLOCK_WINDOW (256: older hashes are not readable on chain).
    /// - bytes 4..36 of the report equal the nonce above.
    /// Notes:
    /// - The market cannot check the report's P-384 signature nor the certificate chain: a claim says what the
    ///   provider published, not that it is genuine. Clients verify the event's bytes (the SDK's verifyOfferClaim).
    /// - Nothing else depends on a claim: leases, bonds and payouts ignore it.
    /// @param offerId The offer whose GPUs the report is about.
    /// @param generation The GPU generation the provider claims: 1 Hopper, 2 Blackwell.
    /// @param nonceBlock The block whose hash the nonce is bound to.
    /// @param report The SPDM GET_MEASUREMENTS request and signed response, as the GPU produced them.
    /// @param certChain The device certificate chain as PEM text, leaf first (as the host hook prints it; unchecked).
    function publishOfferAttestation(
        uint256 offerId,
        uint8 generation,
        uint256 nonceBlock,
        bytes calldata report,
        bytes calldata certChain
    ) external;

    /// @notice The nonce a report published by `provider` for `offerId` against `nonceBlock` must carry:
    /// keccak256(abi.encode(block.chainid, market address, offerId, provider, blockhash(nonceBlock))).
    /// Requirements:
    /// - 1 <= block.number - nonceBlock <= ATTESTATION_BLOCK_WINDOW, so that the block's hash is readable.
    /// @param offerId The offer.
    /// @param provider The offer's provider (the address that will publish).
    /// @param nonceBlock The block whose hash binds the nonce.
    /// @return The 32-byte nonce.
    function attestationNonce(
        uint256 offerId,
        address provider,
        uint256 nonceBlock
    ) external view returns (bytes32);

    /// @notice The offer's latest attestation claim; all zero when its provider never published one (or the
    /// offer does not exist).
    /// @param offerId The offer.
    /// @return The offer's {OfferAttestation}.
    function getOfferAttestation(uint256 offerId) external view returns (OfferAttestation memory);

    /*//////////////////////////////////////////////////////////////
                             ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the protocol fee for leases opened from now on; open leases keep theirs.
    /// Emits a {ProtocolFeeSet} event.
    /// Requirements:
    /// - The caller is the owner; `feeBps` <= MAX_FEE_BPS.
    /// @param feeBps The fee in basis points of the gross amount claimed.
    function setProtocolFee(uint256 feeBps) external;

    /// @notice Sets where protocol fees go.
    /// Emits a {TreasurySet} event.
    /// Requirements:
    /// - The caller is the owner; `treasury` is not zero.
    /// @param treasury The address `withdrawFees` pays.
    function setTreasury(address treasury) external;

    /// @notice Sets the activation window for leases opened from now on.
    /// Emits an {ActivationWindowSet} event.
    /// Requirements:
    /// - The caller is the owner; MIN_ACTIVATION_WINDOW <= `window` <= MAX_ACTIVATION_WINDOW.
    /// @param window Seconds a provider has to activate a new lease.
    function setActivationWindow(uint256 window) external;

    /// @notice Allows or disallows a payment token for new offers and leases. Open leases are unaffected.
    /// Emits a {PaymentTokenSet} event.
    /// Requirements:
    /// - The caller is the owner; `token` is not zero; allowing a new token needs one of MAX_PAYMENT_TOKENS places.
    /// @param token The ERC-20 token.
    /// @param allowed Whether new offers and leases may use it.
    function setPaymentToken(address token, bool allowed) external;

    /// @notice Pauses or resumes new offers and new leases. Nothing else is ever blocked.
    /// Emits a {MarketPausedSet} event.
    /// Requirements:
    /// - The caller is the owner.
    /// @param paused True to stop new offers and leases, false to allow them again.
    function setPaused(bool paused) external;

    /// @notice Sends the accumulated protocol fees in `token` to the treasury. Anyone may call it.
    /// Emits a {FeesWithdrawn} event.
    /// Requirements:
    /// - There are fees in `token`.
    /// @param token The token whose fees to send.
    /// @return amount The amount sent to the treasury.
    function withdrawFees(address token) external returns (uint256 amount);

    /// @notice Sends the caller what the market credited it in `token` because a payout to it failed. Only the
    /// credited address can withdraw, to itself: moving frozen funds elsewhere would step around a token's
    /// blocklist.
    /// Emits a {CreditWithdrawn} event.
    /// Requirements:
    /// - The caller has a credit in `token`; the transfer succeeds (else it stays credited).
    /// @param token The token to withdraw.
    /// @return amount The amount sent.
    function withdrawCredit(address token) external returns (uint256 amount);

    /// @notice Sends tokens sent to the market by mistake to `to`.
    /// Emits a {TokensSwept} event.
    /// Requirements:
    /// - The caller is the owner; `to` is not zero; the market holds some `token`.
    /// - `token` was never a payment token and is not the bond token: a live token's surplus cannot be told
    ///   from what the market owes without totals that would cost gas on every operation.
    /// @param token The token to sweep.
    /// @param to Where to send it.
    /// @return amount The amount sent.
    function sweep(address token, address to) external returns (uint256 amount);

    /*//////////////////////////////////////////////////////////////
                             READS
    //////////////////////////////////////////////////////////////*/

    /// @notice Everything about one lease, decoded: parties, terms, times, deposit, accrual and status.
    /// Requirements:
    /// - The lease exists.
    /// @param leaseId The lease to read.
    /// @return The lease's {LeaseView}.
    function getLease(uint256 leaseId) external view returns (LeaseView memory);

    /// @notice A lease's outage record; all zero for a lease that never had an outage report.
    /// @param leaseId The lease.
    /// @return The lease's {Outage}.
    function getOutage(uint256 leaseId) external view returns (Outage memory);

    /// @notice What the market credited `account` in `token` after a payout to it failed.
    /// @param token The token.
    /// @param account The credited address.
    /// @return The amount `withdrawCredit` would send.
    function credits(address token, address account) external view returns (uint256);

    /// @notice A provider's bond in `token`: its amount and the part live leases reserve.
    function bondOf(address provider, address token) external view returns (Bond memory);

    /// @notice An offer's reserved-capacity terms (all zero for an offer without them).
    function getOfferTerms(uint256 offerId) external view returns (OfferTerms memory);

    /// @notice A lease's reserved-capacity state: term, funding, grace, commitment, exit and penalty.
    function getLeaseTerms(uint256 leaseId) external view returns (LeaseTermsView memory);

    /// @notice A lease's top-up allowance (all zero when none is set).
    function getTopUpAllowance(uint256 leaseId) external view returns (TopUpAllowance memory);

    /// @notice What the buyer's exit of `count` servers (all of them: a termination) would be charged under the
    /// commitment at time `at`, by the rule termination and release apply: zero for a lease that is not active or
    /// not committed, after the commitment, or while its outage went unresolved; once a committed rolling lease ran
    /// unfunded before the commitment's end, those servers' whole share of the escrowed exit; otherwise the notice's
    /// cost or the exit fee on the committed value left, counted in whole hours, so a quote holds until the hour
    /// turns.
    function exitChargeAt(uint256 leaseId, uint256 count, uint256 at) external view returns (uint256);
}
