import { startTestServer, type ServerStore, type TestServer } from "./testServer";

/** How an attempt to start a server ended. */
export type StartAttempt =
  | { started: true; server: TestServer }
  | { started: false; exitCode: number | null; output: string };

/**
 * Starts a server that is expected to refuse to start: the attempt's exit code and everything
 * it printed, or the running server when it did start after all (the caller stops it).
 */
export async function attemptStart(store: ServerStore, extraEnv: Record<string, string> = {}): Promise<StartAttempt> {
  try {
    return { started: true, server: await startTestServer(store, extraEnv) };
  } catch (err) {
    const message = (err as Error).message;
    const exited = /^server exited \((\w+)\) before listening:\n([\s\S]*)$/.exec(message);
    if (!exited) throw err;
    return { started: false, exitCode: exited[1] === "null" ? null : Number(exited[1]), output: exited[2] };
  }
}
