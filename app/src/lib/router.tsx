import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useTransition,
  type AnchorHTMLAttributes,
  type ReactNode,
} from "react";

/** A small history-API router: the app has a handful of pages and keeps its filters in the query string. */
interface Location {
  pathname: string;
  search: string;
}

interface RouterValue extends Location {
  navigate: (to: string, opts?: { replace?: boolean }) => void;
}

const RouterContext = createContext<RouterValue | null>(null);
/**
 * Whether a new page is loading, in a context of its own: the router's consumers (every link, the current page)
 * must not re-render when it turns on, or the click would first re-render the page it leaves.
 */
const PendingContext = createContext(false);

const current = (): Location => ({
  pathname: window.location.pathname,
  search: window.location.search,
});

/** Holds the location; re-renders on `navigate` and on the browser's back and forward buttons. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const [pending, startTransition] = useTransition();
  const navigate = useCallback((to: string, opts?: { replace?: boolean }) => {
    if (opts?.replace) {
      // The same page with new query parameters (a filter): at once.
      window.history.replaceState(null, "", to);
      setLocation(current());
      return;
    }
    window.history.pushState(null, "", to);
    // A new page renders in a transition: the current one stays until the new one's code has loaded, instead of a
    // "Loading" fallback that React keeps on screen for at least 300 ms (its fallback throttle), which delayed
    // the explorer's first request by that much.
    startTransition(() => setLocation(current()));
    window.scrollTo(0, 0);
  }, []);
  const value = useMemo(() => ({ ...location, navigate }), [location, navigate]);
  return (
    <PendingContext.Provider value={pending}>
      <RouterContext.Provider value={value}>{children}</RouterContext.Provider>
    </PendingContext.Provider>
  );
}

/** True while a new page loads (its code); the current page stays on screen meanwhile. */
export function useNavigationPending(): boolean {
  return useContext(PendingContext);
}

/** The current location and `navigate`. */
export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error("useRouter outside RouterProvider");
  return value;
}

/** Matches `pattern` ("/explorer/leases/:id") against a path; returns the params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = pathname.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/**
 * The query string as state: `set({ gpu: "H100" })` replaces those keys (an empty value or undefined removes one)
 * and keeps the rest, without adding a history entry per keystroke.
 */
export function useSearchParams(): [
  URLSearchParams,
  (patch: Record<string, string | undefined>) => void,
] {
  const { search, pathname, navigate } = useRouter();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const set = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === "") next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      navigate(`${pathname}${qs ? `?${qs}` : ""}`, { replace: true });
    },
    [pathname, navigate],
  );
  return [params, set];
}

/** An in-app link: plain <a href> (so it works with the keyboard, middle-click and copy) that routes without a reload. */
export function Link({
  to,
  children,
  ...rest
}: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate } = useRouter();
  return (
    <a
      href={to}
      {...rest}
      onClick={(e) => {
        rest.onClick?.(e);
        if (
          e.defaultPrevented ||
          e.button !== 0 ||
          e.metaKey ||
          e.ctrlKey ||
          e.shiftKey ||
          e.altKey
        )
          return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
