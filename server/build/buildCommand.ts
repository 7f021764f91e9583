import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileServer, COMPILED_SERVER_ENTRY } from "./compileServer";
import { ensureBuild } from "./ensureBuild";
import { sourceFingerprint } from "./sourceFingerprint";

/**
 * `npm run build`: builds the app when its sources changed since the last build (or always,
 * with `--force`), and compiles the custom server that `npm start` runs with plain `node`.
 * `npm start` and `npm test` go through here, so an unchanged checkout starts without building
 * or compiling again.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Next to the compiled server: the sources it was compiled from. */
const compiledFingerprintFile = path.join(root, path.dirname(COMPILED_SERVER_ENTRY), "source-fingerprint");

try {
  const force = process.argv.includes("--force");
  const outcome = ensureBuild(root, { force });
  if (outcome === "fresh") console.log("the build in .next matches the sources: nothing to build");
  const fingerprint = sourceFingerprint(root);
  const compiledFresh =
    fs.existsSync(path.join(root, COMPILED_SERVER_ENTRY)) &&
    fs.existsSync(compiledFingerprintFile) &&
    fs.readFileSync(compiledFingerprintFile, "utf8").trim() === fingerprint;
  if (force || !compiledFresh) {
    // A running server has its modules loaded already: replacing the file (a rename) is safe.
    await compileServer(root);
    fs.writeFileSync(compiledFingerprintFile, fingerprint);
    console.log(`custom server compiled to ${COMPILED_SERVER_ENTRY}`);
  }
} catch (err) {
  console.error(`build: ${(err as Error).message}`);
  process.exit(1);
}
