// The reference y-websocket server (y-websocket@2.1.0, installed as y-websocket-server-v2),
// in memory as its bin/server.cjs runs it. We start it ourselves only to listen on a free
// port and print the port it got (server.cjs echoes $PORT, which is 0 here).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";

const require = createRequire(import.meta.url);
const { setupWSConnection } = require("y-websocket-server-v2/bin/utils") as {
  setupWSConnection: (conn: unknown, req: http.IncomingMessage) => void;
};

const wss = new WebSocketServer({ noServer: true });
wss.on("connection", setupWSConnection);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("okay");
});
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});
server.listen(0, "127.0.0.1", () => {
  console.log(`y-websocket listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => process.exit(0));
