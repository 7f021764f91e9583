import fs from "node:fs";
import path from "node:path";

/** Written by `next build`: the finished config (defaults applied, validated) among others. */
const REQUIRED_SERVER_FILES = path.join(".next", "required-server-files.json");

/**
 * Hands Next the config its build finished with, the way the server of a standalone build
 * does, instead of letting it load `next.config.ts` again at every start: loading a TypeScript
 * config loads SWC's native library (98 MB) to transpile it, about 150 ms of CPU and wall time
 * of each start before anyone can write (docs/ARCHITECTURE.md "One process"). The build and the
 * config cannot disagree: `npm start` builds again whenever a source, the config included,
 * is newer than the build. Production only; `npm run dev` reads the file as it changes.
 */
export function useBuiltNextConfig(projectRoot: string): void {
  const file = path.join(projectRoot, REQUIRED_SERVER_FILES);
  let config: unknown;
  try {
    config = (JSON.parse(fs.readFileSync(file, "utf8")) as { config?: unknown }).config;
  } catch {
    // No build (Next's own start then says so) or an unreadable one: Next loads the file.
    return;
  }
  if (config && typeof config === "object") process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}
