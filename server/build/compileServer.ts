import fs from "node:fs";
import path from "node:path";
import { build, type Plugin } from "esbuild";

/** Where the compiled custom server goes, inside the checkout so `node_modules` resolves from it. */
export const COMPILED_SERVER_DIR = ".server-build";
/** The compiled `server/index.ts`: what `node <this>` runs instead of `tsx server/index.ts`. */
export const COMPILED_SERVER_ENTRY = path.join(COMPILED_SERVER_DIR, "server.mjs");

/**
 * Keeps `import.meta.url` pointing at each module's own source file. Bundled into one file,
 * every module would otherwise share the bundle's URL, and the paths built from it (the
 * migrations folder, the embedded database's worker script, the project root) would move.
 */
function sourceUrlPlugin(root: string, outDir: string): Plugin {
  return {
    name: "source-import-meta-url",
    setup(plugin) {
      plugin.onLoad({ filter: /\.(ts|mts|mjs)$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !args.path.startsWith(root)) return undefined;
        const source = fs.readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        // Relative to the bundle, so a checkout that moves keeps working without a new compile.
        const fromBundle = path.relative(outDir, args.path).split(path.sep).join("/");
        return {
          contents: source.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
          loader: args.path.endsWith(".ts") || args.path.endsWith(".mts") ? "ts" : "js",
        };
      });
    },
  };
}

/**
 * Compiles the custom server (`server/index.ts` and the project modules it imports, outside
 * Next's own bundle) into one ES module with esbuild, in about a second. Packages stay
 * external, so PGlite, Next, Yjs … load from `node_modules` exactly as under tsx; only the
 * TypeScript loader is gone, which is about half of a server process's start on a busy
 * machine. Written to a temporary name and renamed, so a process starting meanwhile never
 * reads half a file. Returns the absolute path of the entry.
 */
export async function compileServer(root: string, outFile = path.join(root, COMPILED_SERVER_ENTRY)): Promise<string> {
  const temporary = `${outFile}.${process.pid}.tmp.mjs`;
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, "server", "index.ts")],
    outfile: temporary,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    plugins: [sourceUrlPlugin(root, path.dirname(outFile))],
    logLevel: "warning",
  });
  fs.renameSync(temporary, outFile);
  return outFile;
}
