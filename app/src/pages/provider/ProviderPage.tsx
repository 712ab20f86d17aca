import { useQueryClient } from "@tanstack/react-query";
import { CONTRACT_READ_KEY } from "../../hooks/useContractRead.ts";
import { WalletGate } from "../../components/WalletGate.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useProviderBonds, useProviderRecord } from "./data.ts";
import { ProfileSection } from "./ProfileSection.tsx";
import { BondSection } from "./BondSection.tsx";
import { OffersSection } from "./Offers.tsx";
import { PendingLeasesSection } from "./PendingLeases.tsx";
import { OutagesSection } from "./OutagesSection.tsx";
import { RunningLeasesSection } from "./RunningLeases.tsx";
import { EarningsSection } from "./Earnings.tsx";
import "./provider.css";

/** `/provider`: registration, bond, leases to activate and in service, offers and earnings. */
export default function ProviderPage(_: { params: Record<string, string> }) {
  return (
    <section className="provider-page">
      <h1>Provider dashboard</h1>
      <p className="muted">
        List GPU capacity, keep a bond, activate leases with sealed access details and claim your
        earnings.
      </p>
      <WalletGate purpose="list capacity as a provider">
        <ProviderDashboard />
      </WalletGate>
    </section>
  );
}

function ProviderDashboard() {
  const record = useProviderRecord();
  const bonds = useProviderBonds(useGridlease().account).data;
  const queryClient = useQueryClient();
  const refreshAll = () => {
    for (const key of [
      CONTRACT_READ_KEY,
      "indexed-provider",
      "provider-offers",
      "provider-leases",
      "provider-live-leases",
      "provider-live-offers",
    ])
      void queryClient.invalidateQueries({ queryKey: [key] });
  };
  if (record.isPending) return <Loading what="your provider record" />;
  if (record.isError)
    return <ErrorState error={record.error} retry={() => void record.refetch()} />;
  const registered = record.data.registered;
  return (
    <>
      {/* The most urgent first: an outage left unresolved past its deadline costs the provider its bond penalty. */}
      {registered && <OutagesSection onChanged={refreshAll} />}
      <ProfileSection registered={registered} onChanged={refreshAll} />
      {registered && (
        <>
          <BondSection onChanged={refreshAll} />
          <PendingLeasesSection onChanged={refreshAll} />
          <RunningLeasesSection onChanged={refreshAll} />
          <OffersSection
            bonds={{ grid: bonds?.grid?.amount, usd: bonds?.usd?.amount }}
            onChanged={refreshAll}
          />
          <EarningsSection onChanged={refreshAll} />
        </>
      )}
    </>
  );
}
