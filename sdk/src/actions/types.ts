/** The types every action shares: the clients they take, the market's records and events. */
import type {
  Account,
  Address,
  Chain,
  Client,
  ContractFunctionArgs,
  ParseEventLogsReturnType,
  ReadContractReturnType,
  Transport,
} from "viem";
import type { gridleaseMarketAbi } from "../generated/abis.ts";

/** The market ABI type. */
export type MarketAbi = typeof gridleaseMarketAbi;

/** Any viem client: reads. */
export type ReadClient = Client<Transport, Chain | undefined>;
/** A viem client with an account (a wallet client): writes and signatures. */
export type SignerClient = Client<Transport, Chain | undefined, Account>;

/** A lease as `getLease` returns it. */
export type LeaseView = ReadContractReturnType<MarketAbi, "getLease">;
/** An offer as stored (`getOffer`). */
export type OfferRecord = ReadContractReturnType<MarketAbi, "getOffer">;
/** A provider as stored (`getProvider`). */
export type ProviderRecord = ReadContractReturnType<MarketAbi, "getProvider">;
/** A lease's reserved-capacity state as `getLeaseTerms` returns it. */
export type LeaseTermsRecord = ReadContractReturnType<MarketAbi, "getLeaseTerms">;
/** A lease's top-up allowance as `getTopUpAllowance` returns it (all zero: none). */
export type TopUpAllowanceRecord = ReadContractReturnType<MarketAbi, "getTopUpAllowance">;
/** What `createOffer` takes. */
export type OfferParams = ContractFunctionArgs<MarketAbi, "nonpayable", "createOffer">[0];
/** A decoded market event. */
export type MarketEvent = ParseEventLogsReturnType<MarketAbi, undefined, true>[number];
/** Name of a market event. */
export type MarketEventName = MarketEvent["eventName"];

/** Which market a call goes to. */
export interface OnMarket {
  market: Address;
}
