// Hocuspocus with its SQLite extension and its defaults (store debounce 2 s, max 10 s; unload
// when the last client leaves). The database is a file, as a user who wants durability runs
// it: the extension's default is an in-memory database.
import { SQLite } from "@hocuspocus/extension-sqlite";
import { Server } from "@hocuspocus/server";

const database = process.argv[2];
if (!database) throw new Error("usage: hocuspocusMain.ts <sqlite file>");

const server = new Server({
  port: 0,
  address: "127.0.0.1",
  quiet: true,
  extensions: [new SQLite({ database })],
});
await server.listen();
console.log(`hocuspocus listening on http://127.0.0.1:${server.address.port}`);
