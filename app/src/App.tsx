import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WagmiProvider } from "wagmi";
import { config } from "./config/wagmi.ts";
import { RouterProvider } from "./lib/router.tsx";
import { Layout } from "./components/Layout.tsx";
import { Routes } from "./routes.tsx";

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 5_000 } },
});

/** The providers (wagmi, TanStack Query, the router) around the layout and the routed page. */
export function App() {
  return (
    <WagmiProvider config={config}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider>
          <Layout>
            <Routes />
          </Layout>
        </RouterProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
