import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The app is served by `npm run dev` (scripts/dev.ts) on 127.0.0.1:5173; env: VITE_RPC_URL, VITE_INDEXER_URL,
// VITE_WALLETCONNECT_PROJECT_ID (all optional; see app/README.md).
export default defineConfig({
  plugins: [react()],
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
  build: {
    target: "es2022",
    sourcemap: false,
    // The first page loads only the shell; every page is its own chunk (React.lazy in src/routes.tsx).
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
