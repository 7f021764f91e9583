// @ts-check
/**
 * A child process serving one PGlite over the postgres wire protocol (@electric-sql/pglite-socket),
 * for the dbdriver scenario's comparison. The package is not a dependency of the workbench: the
 * scenario passes the folder it was installed into (PGLITE_SOCKET_DIR) and this script loads
 * PGlite and the socket server from there. Prints "listening <port>" when ready.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [dataDir, installDir] = process.argv.slice(2);
const requireThere = createRequire(`${installDir}/package.json`);
const load = (/** @type {string} */ name) => import(pathToFileURL(requireThere.resolve(name)).href);
const { PGlite } = await load("@electric-sql/pglite");
const { PGLiteSocketServer } = await load("@electric-sql/pglite-socket");

const db = await PGlite.create(dataDir);
const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1" });
await server.start();
// Port 0 asks the OS; the server keeps the port it got.
console.log(`listening ${/** @type {any} */ (server).port}`);
process.on("SIGTERM", async () => {
  await server.stop();
  await db.close();
  process.exit(0);
});
