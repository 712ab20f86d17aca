import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from "react";
import { matchPath, useRouter } from "./lib/router.tsx";
import { Loading } from "./components/States.tsx";

/** Every page is its own chunk: the first page loads only what it needs. */
const pages = {
  market: lazy(() => import("./pages/market/MarketPage.tsx")),
  rent: lazy(() => import("./pages/rent/RentPage.tsx")),
  buyer: lazy(() => import("./pages/buyer/BuyerPage.tsx")),
  provider: lazy(() => import("./pages/provider/ProviderPage.tsx")),
  explorer: lazy(() => import("./pages/explorer/ExplorerPage.tsx")),
  leases: lazy(() => import("./pages/explorer/LeaseTablePage.tsx")),
  lease: lazy(() => import("./pages/explorer/LeasePage.tsx")),
  address: lazy(() => import("./pages/explorer/AddressPage.tsx")),
  search: lazy(() => import("./pages/explorer/SearchPage.tsx")),
  offers: lazy(() => import("./pages/explorer/OffersPage.tsx")),
  providers: lazy(() => import("./pages/explorer/ProvidersPage.tsx")),
  buyers: lazy(() => import("./pages/explorer/BuyersPage.tsx")),
  verify: lazy(() => import("./pages/verify/VerifyPage.tsx")),
  audit: lazy(() => import("./pages/audit/AuditPage.tsx")),
  settings: lazy(() => import("./pages/settings/SettingsPage.tsx")),
};

type Page = LazyExoticComponent<ComponentType<{ params: Record<string, string> }>>;

const ROUTES: [string, Page][] = [
  ["/", pages.market],
  ["/market", pages.market],
  ["/offers/:offerId", pages.rent],
  ["/leases", pages.buyer],
  ["/provider", pages.provider],
  ["/explorer", pages.explorer],
  ["/explorer/leases", pages.leases],
  ["/explorer/leases/:leaseId", pages.lease],
  ["/explorer/address/:address", pages.address],
  ["/explorer/search", pages.search],
  ["/explorer/offers", pages.offers],
  ["/explorer/providers", pages.providers],
  ["/explorer/buyers", pages.buyers],
  ["/verify", pages.verify],
  ["/audit", pages.audit],
  ["/settings", pages.settings],
];

/** The page for the current path (loaded on demand), or "Page not found". */
export function Routes() {
  const { pathname } = useRouter();
  for (const [pattern, Page] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params)
      return (
        <Suspense fallback={<Loading what="the page" />}>
          <Page params={params} />
        </Suspense>
      );
  }
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is no page at {pathname}.</p>
    </section>
  );
}
