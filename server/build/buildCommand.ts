import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuild } from "./ensureBuild";

/**
 * `npm run build`: builds the app when its sources changed since the last build (or always,
 * with `--force`). `npm start` and `npm test` go through here, so an unchanged checkout starts
 * without building again.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
try {
  const outcome = ensureBuild(root, { force: process.argv.includes("--force") });
  if (outcome === "fresh") console.log("the build in .next matches the sources: nothing to build");
} catch (err) {
  console.error(`build: ${(err as Error).message}`);
  process.exit(1);
}
