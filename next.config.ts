import type { NextConfig } from "next";

/** No page of the workbench may be framed by another site (clickjacking). */
const NO_FRAMING = [
  { key: "X-Frame-Options", value: "DENY" },
];

const nextConfig: NextConfig = {
  // PGlite ships WASM and node-postgres optional natives: load them from node_modules at run
  // time so the custom server and Next's bundle share the one instance kept on globalThis.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  poweredByHeader: false,
  // `next build` type-checks what it bundles; `npm run typecheck` (CI) covers tests and bench too.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  reactStrictMode: true,
  // NEXT_BROWSER_SOURCEMAPS=1 npm run build: source maps for the browser bundles, so CPU profiles
  // of the pages (BENCH_BROWSER_PROFILE, bench/profileSummary.ts) name our functions. Off by
  // default: the maps would be served to anyone.
  productionBrowserSourceMaps: process.env.NEXT_BROWSER_SOURCEMAPS === "1",
  experimental: {
    // forbidden() answers 403 with app/forbidden.tsx (the admin console for non-admins).
    authInterrupts: true,
    // A page's server code loads at its first request, not all of them at every start: after a
    // crash the process serves the reconnecting writers first. About 0.3 s of CPU per start
    // saved; the first request for a page after a start takes some 40 ms more
    // (tests/integration/startLoadsLittle.test.ts).
    preloadEntriesOnStart: false,
  },
  async headers() {
    return [
      { source: "/:path*", headers: NO_FRAMING },
      // Public story pages (/news/…) send a full CSP of their own that already says
      // frame-ancestors 'none'; every other page gets just that directive.
      {
        source: "/((?!news/).*)",
        headers: [{ key: "Content-Security-Policy", value: "frame-ancestors 'none'" }],
      },
    ];
  },
};

export default nextConfig;
