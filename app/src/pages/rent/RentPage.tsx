import { useEffect, useMemo, useRef, useState } from "react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { zeroAddress, type Address, type Hex } from "viem";
import { readContract } from "viem/actions";
import { usePublicClient, useWalletClient } from "wagmi";
import {
  decodeGpuModel,
  decodeRegion,
  deriveAccessKey,
  ensureAllowance,
  explainError,
  formatDuration,
  formatTokenAmount,
  getOffer,
  gpuModelLabel,
  gridleaseMarketAbi,
  gridleaseTokenAbi,
  isBuyerAllowed,
  openLease,
  penalty,
  quoteLease,
  regionLabel,
  signPermit,
  type PermitSignature,
  type ReadClient,
  type Sent,
  type SignerClient,
} from "@gridlease/sdk";
import { Link } from "../../lib/router.tsx";
import { addressUrl, useGridlease, useTokenInfo } from "../../lib/gridlease.ts";
import { gql } from "../../lib/indexer.ts";
import { parseOfferSpec, parseProviderMeta } from "../../lib/spec.ts";
import { useTxFlow, type TxStepDef } from "../../lib/tx.ts";
import { Field } from "../../components/Field.tsx";
import { ErrorState, Loading, NotDeployed } from "../../components/States.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { WalletGate } from "../../components/WalletGate.tsx";
import { costBreakdown, hourBounds, priceInput, validateRent, type RentInput } from "./logic.ts";
import { CostBreakdownView } from "./CostBreakdown.tsx";
import { openLeaseWithSignedPermit, supportsPermit, withRevertReason } from "./permit.ts";
import "./rent.css";

interface IndexedOffer {
  offer: { specURI: string } | null;
  provider: {
    metadataURI: string;
    leasesServed: number;
    gpuSecondsServed: string;
    noShows: number;
    providerTerminations: number;
  } | null;
}

const INDEXED_OFFER = `query RentOffer($id: String!, $provider: String!) {
  offer(id: $id) { specURI }
  provider(id: $provider) { metadataURI leasesServed gpuSecondsServed noShows providerTerminations }
}`;

export default function RentPage({ params }: { params: Record<string, string> }) {
  const raw = params.offerId ?? "";
  const offerId = /^\d{1,30}$/.test(raw) && BigInt(raw) > 0n ? BigInt(raw) : undefined;
  const { chainId, addresses, account } = useGridlease();
  const client = usePublicClient();
  const market = addresses?.market;

  const offerQ = useQuery({
    queryKey: ["rent", "offer", chainId, raw],
    enabled: !!client && !!market && offerId !== undefined,
    refetchInterval: 10_000,
    queryFn: () => getOffer(client as never, { market: market!, offerId: offerId! }),
  });
  const offer = offerQ.data && offerQ.data.provider !== zeroAddress ? offerQ.data : undefined;

  if (offerId === undefined)
    return (
      <section>
        <h1>Offer not found</h1>
        <p>“{raw}” is not an offer number.</p>
        <Link to="/">Back to the market</Link>
      </section>
    );
  if (!market)
    return (
      <section>
        <h1>Rent offer #{offerId.toString()}</h1>
        <NotDeployed />
      </section>
    );
  if (offerQ.isPending) return <Loading what={`offer #${offerId}`} />;
  if (offerQ.isError)
    return (
      <section>
        <h1>Rent offer #{offerId.toString()}</h1>
        <ErrorState
          error={new Error(explainError(offerQ.error).message)}
          retry={() => void offerQ.refetch()}
        />
      </section>
    );
  if (!offer)
    return (
      <section>
        <h1>Offer #{offerId.toString()} does not exist</h1>
        <p>No offer with this number is listed on this market.</p>
        <Link to="/">Back to the market</Link>
      </section>
    );
  return (
    <RentOffer
      offerId={offerId}
      offer={offer}
      market={market}
      account={account}
      refetchOffer={() => void offerQ.refetch()}
    />
  );
}

type Offer = NonNullable<Awaited<ReturnType<typeof getOffer>>>;

function RentOffer({
  offerId,
  offer,
  market,
  account,
  refetchOffer,
}: {
  offerId: bigint;
  offer: Offer;
  market: Address;
  account: Address | undefined;
  refetchOffer: () => void;
}) {
  const client = usePublicClient();
  const reader = client as unknown as ReadClient | undefined;
  const { data: walletClient } = useWalletClient();
  const queryClient = useQueryClient();
  const flow = useTxFlow();
  const tokenQ = useTokenInfo(offer.paymentToken);
  const token = tokenQ.data;

  const gpuModel = decodeGpuModel(offer.gpuModel);
  const region = decodeRegion(offer.region);
  const gpusPerUnit = BigInt(offer.gpusPerUnit);
  const totalUnits = BigInt(offer.totalUnits);
  const unitsAvailable =
    totalUnits > BigInt(offer.unitsInUse) ? totalUnits - BigInt(offer.unitsInUse) : 0n;
  const minDuration = BigInt(offer.minDuration);
  const maxDuration = BigInt(offer.maxDuration);
  const bounds = hourBounds(minDuration, maxDuration);

  const indexed = useQuery({
    queryKey: ["rent", "indexed", offerId.toString(), offer.provider.toLowerCase()],
    retry: 0,
    queryFn: () =>
      gql<IndexedOffer>(INDEXED_OFFER, {
        id: offerId.toString(),
        provider: offer.provider.toLowerCase(),
      }),
  });
  const spec = indexed.data?.offer ? parseOfferSpec(indexed.data.offer.specURI) : undefined;
  const providerRow = indexed.data?.provider ?? undefined;
  const providerName = providerRow ? parseProviderMeta(providerRow.metadataURI).name : undefined;

  const marketQ = useQuery({
    queryKey: ["rent", "market", client?.chain.id, market],
    enabled: !!client,
    staleTime: 60_000,
    queryFn: async () => {
      const r = (functionName: "feeBps" | "PENALTY_BPS" | "activationWindow" | "BOND_TOKEN") =>
        readContract(reader!, {
          address: market,
          abi: gridleaseMarketAbi,
          functionName,
        } as never) as Promise<unknown>;
      const [feeBps, penaltyBps, activationWindow, bondToken] = await Promise.all([
        r("feeBps"),
        r("PENALTY_BPS"),
        r("activationWindow"),
        r("BOND_TOKEN"),
      ]);
      return {
        feeBps: BigInt(feeBps as bigint),
        penaltyBps: BigInt(penaltyBps as bigint),
        activationWindow: BigInt(activationWindow as bigint),
        bondToken: bondToken as Address,
      };
    },
  });
  const bondTokenQ = useTokenInfo(marketQ.data?.bondToken);

  const balanceQ = useQuery({
    queryKey: ["rent", "balance", client?.chain.id, offer.paymentToken, account],
    enabled: !!client && !!account,
    refetchInterval: 15_000,
    queryFn: () =>
      readContract(reader!, {
        address: offer.paymentToken,
        abi: gridleaseTokenAbi,
        functionName: "balanceOf",
        args: [account!],
      }),
  });
  const permitQ = useQuery({
    queryKey: ["rent", "permit", client?.chain.id, offer.paymentToken],
    enabled: !!client,
    staleTime: Infinity,
    queryFn: () => supportsPermit(client as never, offer.paymentToken, account ?? zeroAddress),
  });
  const hasPolicy = offer.buyerPolicy !== zeroAddress;
  const allowedQ = useQuery({
    queryKey: ["rent", "allowed", client?.chain.id, offerId.toString(), account],
    enabled: !!client && !!account && hasPolicy,
    queryFn: () =>
      isBuyerAllowed(client as never, {
        policy: offer.buyerPolicy,
        provider: offer.provider,
        offerId,
        buyer: account!,
      }),
  });

  // The form. The maximum price starts at the price seen when the page opened: if the provider raises it
  // meanwhile, the form says so instead of silently following.
  const [edits, setEdits] = useState<Partial<RentInput>>({});
  const firstPrice = useRef<string | undefined>(undefined);
  if (firstPrice.current === undefined && token)
    firstPrice.current = priceInput(offer.pricePerGpuHour, token.decimals);
  const input: RentInput = {
    servers: edits.servers ?? "1",
    hours: edits.hours ?? bounds.min.toString(),
    maxPrice: edits.maxPrice ?? firstPrice.current ?? "",
  };
  const [submitted, setSubmitted] = useState(false);
  const [openedLease, setOpenedLease] = useState<bigint>();

  const check = useMemo(
    () =>
      token
        ? validateRent(input, {
            unitsAvailable,
            gpusPerUnit,
            minDuration,
            maxDuration,
            pricePerGpuHour: offer.pricePerGpuHour,
            token,
            balance: account ? balanceQ.data : undefined,
          })
        : undefined,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [
      input.servers,
      input.hours,
      input.maxPrice,
      token,
      unitsAvailable,
      gpusPerUnit,
      minDuration,
      maxDuration,
      offer.pricePerGpuHour,
      account,
      balanceQ.data,
    ],
  );

  // The SDK's quote: the same checks as openLease (market or offer paused, provider bond, token allowed).
  const quoteUnits = check?.size?.units ?? 1n;
  const quoteDuration = check?.size?.duration ?? bounds.min * 3600n;
  const quoteQ = useQuery({
    queryKey: [
      "rent",
      "quote",
      client?.chain.id,
      offerId.toString(),
      quoteUnits.toString(),
      quoteDuration.toString(),
      offer.pricePerGpuHour.toString(),
    ],
    enabled: !!client,
    placeholderData: keepPreviousData,
    queryFn: () =>
      quoteLease(client as never, { market, offerId, units: quoteUnits, duration: quoteDuration }),
  });
  const blockers = (quoteQ.data?.problems ?? []).filter(
    // Units and duration are checked next to their fields, a paused offer is said above the form.
    (p) => !/server|unit|duration|hours|paused by its provider/i.test(p),
  );
  if (hasPolicy && account && allowedQ.data === false)
    blockers.push(
      "This provider serves only buyers it has vetted, and your address is not on its list.",
    );

  const breakdown =
    check?.size && marketQ.data
      ? costBreakdown({
          pricePerGpuHour: offer.pricePerGpuHour,
          gpusPerUnit,
          units: check.size.units,
          duration: check.size.duration,
          feeBps: marketQ.data.feeBps,
        })
      : undefined;

  const refs = {
    servers: useRef<HTMLInputElement>(null),
    hours: useRef<HTMLInputElement>(null),
    maxPrice: useRef<HTMLInputElement>(null),
  };
  const set = (k: keyof RentInput) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setEdits((prev) => ({ ...prev, [k]: e.target.value }));
    if (flow.error && !flow.busy) flow.reset();
  };

  async function rent() {
    setSubmitted(true);
    if (!check || !token || !client) return;
    if (!check.ok) {
      const first = (["servers", "hours", "maxPrice"] as const).find((k) => check.errors[k]);
      if (first) refs[first].current?.focus();
      return;
    }
    if (!walletClient || !account || blockers.length > 0) return;
    const signer = walletClient as unknown as SignerClient;
    const { units, duration, maxPricePerGpuHour, maxDeposit } = check.values;
    const usePermit =
      permitQ.data ?? (await supportsPermit(client as never, offer.paymentToken, account));
    let publicKey: Hex | undefined;
    let permit: PermitSignature | undefined;
    let leaseId: bigint | undefined;

    const steps: TxStepDef[] = [
      {
        label: "Derive your access key",
        run: async () => {
          publicKey = (await deriveAccessKey(walletClient)).publicKeyHex;
        },
      },
    ];
    if (usePermit)
      steps.push({
        label: "Sign permit",
        run: async () => {
          permit = await signPermit(signer, {
            token: offer.paymentToken,
            spender: market,
            value: maxDeposit,
          });
        },
      });
    else {
      const allowance = await readContract(reader!, {
        address: offer.paymentToken,
        abi: gridleaseTokenAbi,
        functionName: "allowance",
        args: [account, market],
      });
      if (allowance < maxDeposit)
        steps.push({
          label: `Approve ${token.symbol}`,
          run: async () =>
            (
              await ensureAllowance(signer, {
                token: offer.paymentToken,
                spender: market,
                amount: maxDeposit,
              })
            ).approval,
        });
    }
    steps.push({
      label: "Open lease",
      run: async () => {
        const request = {
          market,
          offerId,
          units,
          duration,
          maxPricePerGpuHour,
          buyerPublicKey: publicKey!,
        };
        const sent = permit
          ? await openLeaseWithSignedPermit(signer, { ...request, permit })
          : await openLease(signer, request);
        const tracked: Sent = withRevertReason(reader!, sent, (mined) => {
          leaseId = mined.leaseId;
        });
        return tracked;
      },
    });

    setOpenedLease(undefined);
    const ok = await flow.run(steps, { token, bondToken: bondTokenQ.data });
    if (ok && leaseId !== undefined) setOpenedLease(leaseId);
    refetchOffer();
    void queryClient.invalidateQueries({ queryKey: ["rent"] });
    void queryClient.invalidateQueries({ queryKey: ["market"] });
  }

  const errors = check?.errors ?? {};
  const fmt = (v: bigint) => (token ? formatTokenAmount(v, token) : "…");
  const title = `${gpusPerUnit} × ${gpuModelLabel(gpuModel)}`;
  const unavailable = offer.paused
    ? "The provider has paused this offer: it takes no new leases for now."
    : unitsAvailable === 0n
      ? "Every server of this offer is leased right now."
      : undefined;

  return (
    <section className="rent">
      <p className="small">
        <Link to="/">← Market</Link>
      </p>
      <h1>
        Rent offer #{offerId.toString()}: {title}
      </h1>
      <p className="muted">
        {regionLabel(region)} · offered by{" "}
        <Link
          to={addressUrl(offer.provider)}
          className={providerName ? undefined : "mono"}
          title={offer.provider}
        >
          {providerName ?? `${offer.provider.slice(0, 8)}…${offer.provider.slice(-4)}`}
        </Link>
      </p>

      <div className="rent-grid">
        <div className="card">
          <h2>The offer</h2>
          <dl className="terms">
            <dt>GPU</dt>
            <dd>
              {gpuModelLabel(gpuModel)}
              {spec?.memoryGB ? ` · ${spec.memoryGB} GB` : ""}
            </dd>
            <dt>GPUs per server</dt>
            <dd>{gpusPerUnit.toString()}</dd>
            <dt>Servers free</dt>
            <dd>
              {unitsAvailable.toString()} of {totalUnits.toString()}
            </dd>
            <dt>Price per GPU-hour</dt>
            <dd>
              <strong>{fmt(offer.pricePerGpuHour)}</strong>{" "}
              {token?.isUsd && <span className="muted">({token.symbol}, a USD stablecoin)</span>}
            </dd>
            <dt>Duration</dt>
            <dd>
              {formatDuration(minDuration)} to {formatDuration(maxDuration)}
            </dd>
            <dt>Region</dt>
            <dd>
              {regionLabel(region)}
              {spec?.datacenter ? ` · ${spec.datacenter}` : ""}
            </dd>
            <dt>Interconnect</dt>
            <dd>
              {spec?.interconnect ?? (
                <span className="muted">{indexed.isPending ? "…" : "Not stated"}</span>
              )}
            </dd>
            {spec?.cpu && (
              <>
                <dt>CPU</dt>
                <dd>
                  {spec.cpu}
                  {spec.cpuCores ? ` · ${spec.cpuCores} cores` : ""}
                </dd>
              </>
            )}
            {spec?.ramGB !== undefined && (
              <>
                <dt>RAM</dt>
                <dd>{spec.ramGB.toLocaleString("en-US")} GB</dd>
              </>
            )}
            {spec?.nvmeTB !== undefined && (
              <>
                <dt>NVMe</dt>
                <dd>{spec.nvmeTB} TB</dd>
              </>
            )}
            {spec?.ethernetGbps !== undefined && (
              <>
                <dt>Ethernet</dt>
                <dd>{spec.ethernetGbps} Gb/s</dd>
              </>
            )}
            {spec?.deal && (
              <>
                <dt>Deal</dt>
                <dd>{spec.deal}</dd>
              </>
            )}
            <dt>Buyers</dt>
            <dd>{hasPolicy ? "Vetted buyers only (provider allowlist)" : "Anyone"}</dd>
          </dl>

          <h3>Provider track record</h3>
          {providerRow ? (
            <dl className="terms">
              <dt>Leases served</dt>
              <dd>{providerRow.leasesServed.toLocaleString("en-US")}</dd>
              <dt>GPU-hours served</dt>
              <dd>{(BigInt(providerRow.gpuSecondsServed) / 3600n).toLocaleString("en-US")}</dd>
              <dt>No-shows</dt>
              <dd>{providerRow.noShows}</dd>
              <dt>Ended leases early</dt>
              <dd>{providerRow.providerTerminations}</dd>
            </dl>
          ) : indexed.isError ? (
            <p className="muted small">
              The indexer is unreachable: the track record and the server details are unavailable.
              Renting still works.
            </p>
          ) : indexed.isPending ? (
            <Loading what="the track record" />
          ) : (
            <p className="muted small">No track record yet.</p>
          )}
          {marketQ.data && bondTokenQ.data && (
            <p className="small muted protection">
              Billing starts when the provider activates the lease. If it does not within{" "}
              {formatDuration(marketQ.data.activationWindow)}, you cancel and get the whole deposit
              back plus{" "}
              {formatTokenAmount(
                penalty(offer.minProviderBond, marketQ.data.penaltyBps),
                bondTokenQ.data,
              )}{" "}
              from the provider's bond.
            </p>
          )}
        </div>

        <form
          className="card"
          aria-labelledby="rent-heading"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void rent();
          }}
        >
          <h2 id="rent-heading">Your lease</h2>
          {unavailable && (
            <div className="callout callout-warn" role="status">
              {unavailable}
            </div>
          )}
          {!token ? (
            tokenQ.isError ? (
              <ErrorState error={tokenQ.error} />
            ) : (
              <Loading what="the payment token" />
            )
          ) : (
            <>
              <div className="rent-fields">
                <Field
                  label="Servers"
                  error={errors.servers}
                  hint={`${gpusPerUnit} GPUs each · ${unitsAvailable} free`}
                >
                  {(p) => (
                    <input
                      {...p}
                      ref={refs.servers}
                      type="text"
                      inputMode="numeric"
                      autoComplete="off"
                      value={input.servers}
                      onChange={set("servers")}
                    />
                  )}
                </Field>
                <Field
                  label="Duration (hours)"
                  error={errors.hours}
                  hint={
                    bounds.max >= bounds.min
                      ? `${bounds.min.toLocaleString()} to ${bounds.max.toLocaleString()} hours`
                      : undefined
                  }
                >
                  {(p) => (
                    <input
                      {...p}
                      ref={refs.hours}
                      type="text"
                      inputMode="numeric"
                      autoComplete="off"
                      value={input.hours}
                      onChange={set("hours")}
                    />
                  )}
                </Field>
                <Field
                  label="Max price per GPU-hour"
                  error={errors.maxPrice}
                  hint={`In ${token.symbol}. The lease opens only at this price or lower, even if the provider changes it before your transaction lands.`}
                >
                  {(p) => (
                    <input
                      {...p}
                      ref={refs.maxPrice}
                      type="text"
                      inputMode="decimal"
                      autoComplete="off"
                      value={input.maxPrice}
                      onChange={set("maxPrice")}
                    />
                  )}
                </Field>
              </div>

              {breakdown && check?.size && marketQ.data ? (
                <CostBreakdownView
                  breakdown={breakdown}
                  token={token}
                  feeBps={marketQ.data.feeBps}
                  duration={check.size.duration}
                />
              ) : marketQ.isError ? (
                <ErrorState error={marketQ.error} retry={() => void marketQ.refetch()} />
              ) : (
                !check?.size && (
                  <p className="muted small">Enter servers and hours to see the cost.</p>
                )
              )}

              <WalletGate purpose="rent this offer">
                <div className="rent-submit">
                  {balanceQ.data !== undefined && (
                    <p className="small muted">
                      Your balance: {fmt(balanceQ.data)} · paying with{" "}
                      {permitQ.data
                        ? "a permit (one signature, no approval)"
                        : "an approval, then the lease"}
                    </p>
                  )}
                  {errors.balance && (
                    <p className="field-error" role="alert">
                      {errors.balance}
                    </p>
                  )}
                  {blockers.length > 0 && (
                    <div className="callout callout-warn" role="alert">
                      <strong>This lease cannot open now</strong>
                      <ul>
                        {blockers.map((b) => (
                          <li key={b}>{b}</li>
                        ))}
                      </ul>
                    </div>
                  )}
                  {submitted && !check?.ok && !errors.balance && (
                    <p className="field-error" role="alert">
                      Fix the highlighted fields first.
                    </p>
                  )}
                  <button
                    type="submit"
                    className="button rent-button"
                    disabled={flow.busy || !!unavailable || blockers.length > 0}
                  >
                    {flow.busy ? "Renting…" : "Rent now"}
                  </button>
                  <TxProgress flow={flow} title="Renting progress" />
                  {openedLease !== undefined && flow.done && (
                    <div className="callout success" role="status">
                      <strong>Lease #{openedLease.toString()} opened</strong>
                      <p>
                        The provider now activates it and sends your access details, encrypted to
                        your key.
                      </p>
                      <Link to="/leases" className="button">
                        Go to my leases
                      </Link>
                    </div>
                  )}
                </div>
              </WalletGate>
            </>
          )}
        </form>
      </div>
    </section>
  );
}
