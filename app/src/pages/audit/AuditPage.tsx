import { useGridlease } from "../../hooks/useGridlease.ts";
import { useChainNow } from "../../hooks/useChainNow.ts";
import { useTrustedAuditors } from "../../hooks/useTrustedAuditors.ts";
import { easOn } from "../../lib/easWrites.ts";
import { Link } from "../../lib/router.tsx";
import { WalletGate } from "../../components/WalletGate.tsx";
import { AuditForm } from "./AuditForm.tsx";
import { MyAudits } from "./MyAudits.tsx";

/**
 * `/audit`: an auditor attests an offer's hardware on the Ethereum Attestation Service (offer, hardware report hash,
 * verdict, valid until) and lists or revokes its own audits. Whose audits count is each viewer's choice (Settings).
 */
export default function AuditPage(_: { params: Record<string, string> }) {
  return (
    <section className="audit-page">
      <h1>Audit an offer's hardware</h1>
      <p className="muted">
        Check a provider's machine (the same hardware probe as <code>gridlease lease verify</code>)
        and attest what you found. Buyers who trust you see “Audited by you until the date you
        give”; everyone else sees “Unverified audit”.
      </p>
      <WalletGate purpose="attest audits">
        <AuditorDesk />
      </WalletGate>
    </section>
  );
}

function AuditorDesk() {
  const { account, chainId } = useGridlease();
  const { now, refresh } = useChainNow(60_000);
  const { published } = useTrustedAuditors();
  if (!easOn(chainId))
    return (
      <div className="callout callout-warn" role="alert">
        <strong>Attestations are not available on this network</strong>
        <p>Gridlease's attestation contracts are not deployed here.</p>
      </div>
    );
  const isPublished = published.some((a) => a.toLowerCase() === account!.toLowerCase());
  return (
    <>
      <p className="small">
        {isPublished
          ? "You are one of the market's published auditors: your audits show as “Audited” by default."
          : "You are not on the market's published list: your audits show as “Audited” only to viewers who add you in their "}
        {!isPublished && <Link to="/settings">Settings</Link>}
        {!isPublished && "."}
      </p>
      <AuditForm now={now} onAttested={refresh} />
      <MyAudits auditor={account!} now={now} />
    </>
  );
}
