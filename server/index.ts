import "server-only";
import { loadEnv, StartupError } from "./env";
import { startServer } from "./startServer";

/** Process entry: `npm start` (production) or `npm run dev` (`--dev`). */
async function main() {
  const dev = process.argv.includes("--dev");
  const env = loadEnv(process.env, dev);
  const server = await startServer(env);
  console.log(`newsroom workbench listening on http://localhost:${server.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: storing open stories and shutting down`);
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error("shutdown failed:", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err) => {
  if (err instanceof StartupError) console.error(`cannot start: ${err.message}`);
  else console.error("cannot start:", err);
  process.exit(1);
});
