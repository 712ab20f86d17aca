import { getAddress } from "viem";
import { formatTime } from "@gridlease/sdk";
import type { AuditStatus } from "../lib/eas.ts";
import { Link } from "../lib/router.tsx";

const short = (a: string) => {
  const c = getAddress(a);
  return `${c.slice(0, 6)}…${c.slice(-4)}`;
};
const day = (t: bigint) => formatTime(t).slice(0, 10);

/**
 * An offer's hardware audit as this viewer trusts it: "Audited by 0xbDA5…197E until 2027-01-05" only for a current
 * Pass by a trusted auditor; audits by anyone else are an "Unverified audit", never "audited"; a trusted audit that
 * expired, was revoked or failed says so. Nothing for an offer nobody audited (unless `full`).
 */
export function AuditBadge({ status, full = false }: { status: AuditStatus; full?: boolean }) {
  switch (status.status) {
    case "none":
      return full ? <p className="small muted audit">No hardware audit.</p> : null;
    case "audited":
      return (
        <p className="small audit">
          <span
            className="badge badge-audited"
            title={`Audit ${status.uid} by ${status.auditor}, valid until ${formatTime(status.validUntil)}`}
          >
            Audited by {short(status.auditor)} until {day(status.validUntil)}
          </span>
        </p>
      );
    case "failed":
      return (
        <p className="small audit">
          <span
            className="badge badge-audit-failed"
            title={`Audit ${status.uid} by ${status.auditor}`}
          >
            Failed audit by {short(status.auditor)}
          </span>
        </p>
      );
    case "unverified":
      return (
        <p className="small audit">
          <span
            className="badge badge-unverified"
            title={`Audited by ${status.auditors.join(", ")}`}
          >
            Unverified audit
          </span>
          {full && (
            <span className="muted">
              {" "}
              by {status.auditors.map(short).join(", ")}: not among your trusted auditors (
              <Link to="/settings">Settings</Link>).
            </span>
          )}
        </p>
      );
    case "expired":
      return (
        <p className="small muted audit" title={`Audit ${status.uid} by ${status.auditor}`}>
          Audit by {short(status.auditor)} expired {day(status.validUntil)}
        </p>
      );
    case "revoked":
      return (
        <p className="small muted audit" title={`Audit ${status.uid} by ${status.auditor}`}>
          Audit by {short(status.auditor)} revoked {day(status.revokedAt)}
        </p>
      );
  }
}
