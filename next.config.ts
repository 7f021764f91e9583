import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM and node-postgres optional natives: load them from node_modules at run
  // time so the custom server and Next's bundle share the one instance kept on globalThis.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
