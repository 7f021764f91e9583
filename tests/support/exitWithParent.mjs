// Preloaded into every Node process the server test projects start (NODE_OPTIONS, see
// vitest.config.ts): test servers, standbys, the benchmark harness and its servers. A process
// whose parent is gone (a vitest killed mid-run, a worker ended by a timeout) has nobody left
// to stop it; left running, a server went on using half a core of the shared machine for the
// rest of the next run. Linux hands an orphan to another parent, so a changed ppid means the
// parent died. The timer is unref'd: it never keeps a process alive.
const ORPHANS_PARENT = 1;
const CHECK_MS = 500;
const parent = process.ppid;
// The parent may die before this runs: a test's process is never started by init.
if (parent === ORPHANS_PARENT) process.exit(1);
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, CHECK_MS).unref();
