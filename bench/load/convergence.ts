import { fragmentText } from "../../newsroom/storyBlocks";
import { waitFor } from "../../tests/support/wait";
import type { BenchClient } from "../clients/benchClient";
import type { ServerUnderTest } from "../servers/serverUnderTest";

export interface ConvergenceResult {
  ok: boolean;
  /** What went wrong, when not ok. */
  detail?: string;
}

const bodyText = (client: BenchClient) => fragmentText(client.doc.getXmlFragment("body"));

/**
 * Every client, a fresh client (what the server holds in memory), and for ours the stored
 * text (GET /api/articles/:id) must end up the same, containing every typed run of text.
 */
export async function checkConvergence(
  server: ServerUnderTest,
  docName: string,
  clients: readonly BenchClient[],
  mustContain: readonly string[],
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<ConvergenceResult> {
  try {
    await waitFor(
      () => {
        const first = bodyText(clients[0]);
        return clients.every((c) => bodyText(c) === first) && mustContain.every((s) => first.includes(s));
      },
      { timeoutMs, intervalMs: 50, message: "all clients to hold the same text with every keystroke" },
    );
    const expected = bodyText(clients[0]);
    const fresh = server.connect(docName, clients.length);
    try {
      await fresh.whenSynced(timeoutMs);
      if (bodyText(fresh) !== expected) return { ok: false, detail: "a fresh client got different text from the server" };
    } finally {
      fresh.destroy();
    }
    const stored = await server.storedText(docName);
    if (stored !== null && stored !== expected) {
      // The stored text is what is committed; give the group commit a moment, then compare.
      await waitFor(async () => (await server.storedText(docName)) === expected, {
        timeoutMs,
        intervalMs: 100,
        message: "the stored text to equal the clients' text",
      });
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}
