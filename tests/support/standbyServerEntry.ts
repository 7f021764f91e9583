// The entry of a standby test server (testServer.ts): a process started ahead of its turn that
// loads the server's modules, which is half of a start on this machine, and then waits. Only
// when the test writes a line to its stdin does it run the real entry, `server/index.ts`, which
// opens the data directory and listens exactly as `npm start` would. If the test's worker goes
// away first, stdin ends and the standby exits without having touched any data.
import "../../server/startServer";
import "next";

process.stdin.once("end", () => process.exit(0));
process.stdin.once("data", () => {
  process.stdin.removeAllListeners("end");
  process.stdin.destroy();
  void import("../../server/index");
});
