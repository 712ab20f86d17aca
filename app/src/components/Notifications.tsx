/**
 * The header's notification bell (loaded after the first page, in its own chunk): a badge with the number of
 * notifications not yet seen in this browser, and the list (`useNotifications`) when opened. Opening the list marks
 * what it shows as seen; a condition that changes (a new deadline, a new top-up) comes back with a new key.
 */
import { useId, useState } from "react";
import type { Notification } from "@gridlease/sdk/notifications";
import { useChainNow } from "../hooks/useChainNow.ts";
import { useGridlease } from "../hooks/useGridlease.ts";
import { useNotifications } from "../hooks/useNotifications.ts";
import { Link } from "../lib/router.tsx";

/** Where the seen keys are kept, per chain and account. */
const seenKey = (chainId: number, account: string) =>
  `gridlease:notifications-seen:${chainId}:${account.toLowerCase()}`;

function readSeen(key: string): Set<string> {
  try {
    const raw = localStorage.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(parsed) ? parsed.filter((k) => typeof k === "string") : []);
  } catch {
    return new Set();
  }
}

/** The bell with its badge, and the list it opens. */
export default function NotificationBell() {
  const { account, chainId } = useGridlease();
  const { now } = useChainNow(60_000);
  const list = useNotifications(now);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const storageKey = account ? seenKey(chainId, account) : undefined;
  const [seen, setSeen] = useState<Set<string>>(() =>
    storageKey ? readSeen(storageKey) : new Set(),
  );
  if (!account) return null;
  const items = list.data ?? [];
  const unseen = items.filter((n) => !seen.has(n.key)).length;

  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (next && storageKey && items.length > 0) {
      const all = new Set([...seen, ...items.map((n) => n.key)]);
      setSeen(all);
      try {
        localStorage.setItem(storageKey, JSON.stringify([...all].slice(-500)));
      } catch {
        // A full or disabled storage only means the badge counts them again after a reload.
      }
    }
  };

  return (
    <div className="notifications">
      <button
        type="button"
        className="button secondary notifications-bell"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Notifications${unseen > 0 ? `: ${unseen} new` : ""}`}
        onClick={toggle}
      >
        Notifications
        {/* The space keeps the word and the count apart in the visible text, so the label ("Notifications: 3 new")
            contains it (axe's label-content-name-mismatch). */}
        {unseen > 0 && " "}
        {unseen > 0 && (
          <span className="badge notifications-badge" data-testid="notification-badge">
            {unseen}
          </span>
        )}
      </button>
      {open && (
        <section id={panelId} className="notifications-panel card" aria-label="Notifications">
          {list.isError ? (
            <p className="muted small">
              Notifications are unavailable: the indexer is unreachable.
            </p>
          ) : list.isPending ? (
            <p className="muted small">Loading notifications…</p>
          ) : items.length === 0 ? (
            <p className="muted small">Nothing needs your attention.</p>
          ) : (
            <ul className="notifications-list">
              {items.map((n) => (
                <NotificationItem key={n.key} n={n} />
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

const KIND_TEXT: Record<Notification["kind"], string> = {
  "runway-low": "Runway low",
  "grace-started": "Grace started",
  "activation-due": "Activation due",
  "outage-open": "Outage open",
  "ending-soon": "Ending soon",
  "top-up-executed": "Top-up executed",
};

function NotificationItem({ n }: { n: Notification }) {
  return (
    <li className={`notification notification-${n.severity}`} data-kind={n.kind}>
      <strong>{KIND_TEXT[n.kind]}</strong> <span>{n.message}</span>{" "}
      <Link to={`/explorer/leases/${n.leaseId}`} className="small">
        Lease #{String(n.leaseId)}
      </Link>
    </li>
  );
}
