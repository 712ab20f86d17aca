/**
 * `@gridlease/sdk/actions`: typed viem actions for every function of the Gridlease market, plus the compound
 * actions a client needs (allowance, permit, quote, lease state, access details). Apps and the CLI never build
 * calldata by hand.
 *
 * Reads take any viem client (a wagmi `usePublicClient()` one included); writes take a client with an account (a
 * wallet client) and return the transaction hash at once, with `wait()` for the receipt and the market events it
 * emitted.
 *
 *   types.ts         the clients actions take, the market's records and events
 *   transactions.ts  Sent / Mined, TransactionRevertedError, findEvent
 *   writes.ts        one write per market function (providers, buyers, owner)
 *   reads.ts         one read per market view, getMarketConfig, chainTime, getLeaseState
 *   quote.ts         quoteLease
 *   permit.ts        signPermit, openLeaseWithPermit
 *   tokens.ts        getTokenInfo, ensureAllowance, setAllowedBuyers, isBuyerAllowed
 *   access.ts        getAccessPayload, readAccessDetails
 *   reserved.ts      createReservedOffer, openRollingLease, top-up allowances (and their permit), executeTopUp,
 *                    planTopUp, releaseServers, failServers, endUnfunded; bondOf, getOfferTerms, getLeaseTerms,
 *                    getTopUpAllowance, exitChargeAt
 *   attestation.ts   publishOfferAttestation, getOfferAttestation, readAttestationNonce, nonceForClaim,
 *                    readOfferClaim
 */
export type {
  LeaseTermsRecord,
  LeaseView,
  MarketEvent,
  MarketEventName,
  OfferParams,
  OfferRecord,
  OnMarket,
  ProviderRecord,
  ReadClient,
  SignerClient,
  TopUpAllowanceRecord,
} from "./types.ts";
export { findEvent, TransactionRevertedError, type Mined, type Sent } from "./transactions.ts";
export {
  acceptOwnership,
  activateLease,
  cancelLease,
  claim,
  closeLease,
  createOffer,
  depositBond,
  endUnresolvedOutage,
  extendLease,
  openLease,
  registerProvider,
  renounceOwnership,
  reportOutage,
  resolveOutage,
  rotateAccess,
  setActivationWindow,
  setOfferPaused,
  setOfferPrice,
  setOfferRepairWindow,
  setOfferUnits,
  setPaused,
  setPaymentToken,
  setProtocolFee,
  setTreasury,
  sweep,
  terminateLease,
  transferOwnership,
  updateProvider,
  withdrawBond,
  withdrawCredit,
  withdrawFees,
  type LeaseRequest,
} from "./writes.ts";
export {
  chainTime,
  credits,
  escrowOf,
  getLease,
  getLeaseState,
  getMarketConfig,
  getOffer,
  getOutage,
  getProvider,
  isPaymentToken,
  leaseCount,
  offerCount,
  paymentTokens,
  protocolFees,
} from "./reads.ts";
export {
  bondOf,
  createReservedOffer,
  endUnfunded,
  executeTopUp,
  exitChargeAt,
  failServers,
  getLeaseTerms,
  getOfferTerms,
  getTopUpAllowance,
  openRollingLease,
  planTopUp,
  releaseServers,
  revokeTopUpAllowance,
  setTopUpAllowance,
  setTopUpAllowanceWithPermit,
  type RollingLeaseRequest,
  type TopUpAllowanceRequest,
} from "./reserved.ts";
export { quoteLease, type LeaseQuote } from "./quote.ts";
export { openLeaseWithPermit, signPermit, type PermitSignature } from "./permit.ts";
export { ensureAllowance, getTokenInfo, isBuyerAllowed, setAllowedBuyers } from "./tokens.ts";
export { getAccessPayload, readAccessDetails } from "./access.ts";
export {
  getOfferAttestation,
  nonceForClaim,
  publishOfferAttestation,
  readAttestationNonce,
  readOfferClaim,
  type OfferAttestationRequest,
  type OnChainOfferClaim,
} from "./attestation.ts";
