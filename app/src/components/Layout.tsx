import { lazy, Suspense, type ReactNode } from "react";
import { useAccount } from "wagmi";
import { Link, useNavigationPending, useRouter } from "../lib/router.tsx";
import { ChainSwitcher, WalletMenu } from "./Wallet.tsx";

// The bell and its reads load after the first page, in their own chunk (the first page's JS budget).
const NotificationBell = lazy(() => import("./Notifications.tsx"));

const NAV: [string, string, (p: string) => boolean][] = [
  ["/", "Market", (p) => p === "/" || p === "/market" || p.startsWith("/offers")],
  ["/leases", "My leases", (p) => p === "/leases"],
  ["/provider", "Provider", (p) => p === "/provider"],
  ["/explorer", "Explorer", (p) => p.startsWith("/explorer")],
  ["/verify", "Verify GPU", (p) => p === "/verify"],
  ["/audit", "Audit", (p) => p === "/audit"],
  ["/settings", "Settings", (p) => p === "/settings"],
];

/** The page frame: skip link, top bar (navigation, network, wallet), main content and footer. */
export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useRouter();
  const pending = useNavigationPending();
  const { isConnected } = useAccount();
  return (
    <>
      {pending && (
        <div className="route-progress" role="progressbar" aria-label="Loading the page" />
      )}
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Gridlease home">
          <span className="brand-mark" aria-hidden="true" /> Gridlease
        </Link>
        <nav aria-label="Main">
          {NAV.map(([to, label, active]) => (
            <Link
              key={to}
              to={to}
              className="nav-link"
              aria-current={active(pathname) ? "page" : undefined}
            >
              {label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          {isConnected && (
            <Suspense fallback={null}>
              <NotificationBell />
            </Suspense>
          )}
          <ChainSwitcher />
          <WalletMenu />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer muted small">
        Gridlease · GPU compute settled per second on-chain · terms and history of every lease are
        public
      </footer>
    </>
  );
}
