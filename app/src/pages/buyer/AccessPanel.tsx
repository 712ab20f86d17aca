import { useState } from "react";
import type { Address } from "viem";
import { readAccessDetails, type AccessDetails, type AccessKeyPair } from "@gridlease/sdk";
import { useReadClient } from "../../hooks/useGridlease.ts";

/** The lease's connection details, decrypted in this browser with the buyer's access key on request. */
export function AccessPanel({
  leaseId,
  market,
  accessKey,
}: {
  leaseId: bigint;
  market: Address;
  accessKey: () => Promise<AccessKeyPair>;
}) {
  const client = useReadClient();
  const [details, setDetails] = useState<AccessDetails>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const reveal = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const key = await accessKey();
      setDetails(await readAccessDetails(client!, { market, leaseId, secretKey: key.secretKey }));
    } catch (err) {
      const e = err as { shortMessage?: string; message?: string; name?: string };
      setError(
        e.name === "UserRejectedRequestError" || /reject|denied/i.test(e.message ?? "")
          ? "You declined the signature, so the access details stay locked."
          : (e.shortMessage ?? e.message ?? String(err)),
      );
    } finally {
      setBusy(false);
    }
  };

  if (!details)
    return (
      <div className="access-panel">
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() => void reveal()}
        >
          {busy ? "Decrypting…" : "Reveal access details"}
        </button>
        <p className="muted small">
          Your wallet signs a fixed message to derive your access key; the details are decrypted in
          this browser and sent nowhere.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  const secret = details.key ?? details.token;
  return (
    <section className="access-panel" aria-label={`Access details of lease #${leaseId}`}>
      <h4>Access details</h4>
      <dl className="terms">
        <dt>Host</dt>
        <dd className="mono">{details.host}</dd>
        <dt>Port</dt>
        <dd className="mono">{details.port}</dd>
        <dt>User</dt>
        <dd className="mono">{details.user}</dd>
        <dt>{details.key ? "SSH key" : "Token"}</dt>
        <dd>
          <pre className="mono secret">{secret}</pre>
        </dd>
        <dt>Connect</dt>
        <dd className="mono">
          ssh -p {details.port} {details.user}@{details.host}
        </dd>
      </dl>
      <button
        type="button"
        className="button secondary small"
        onClick={() => setDetails(undefined)}
      >
        Hide access details
      </button>
    </section>
  );
}
