import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is served by `navm serve` itself (navm/runtime/service/routes_dashboard.py): index.html at
// "/", the hashed files under "/assets/". `npm run dev` proxies the API to a server on :8000.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../navm/runtime/service/static",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2020",
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      "/v1": { target: "http://127.0.0.1:8000", changeOrigin: false },
    },
  },
});
