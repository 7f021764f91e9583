import { sleep } from "../../tests/support/wait";
import type { BenchClient } from "../clients/benchClient";
import type { ServerUnderTest } from "../servers/serverUnderTest";

/**
 * Connects `count` clients to one document, a few at a time (a hundred handshakes at once
 * would measure the accept queue, not collaboration), and waits until all are synced.
 */
export async function connectClients(server: ServerUnderTest, docName: string, count: number, firstSeat = 0): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  const BATCH = 20;
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => server.connect(docName, firstSeat + i + j));
    clients.push(...batch);
    await Promise.all(batch.map((c) => c.whenSynced()));
  }
  return clients;
}

export async function disconnectAll(clients: readonly BenchClient[]): Promise<void> {
  for (const client of clients) client.destroy();
  // Let the server see the closes before the next run starts.
  await sleep(300);
}
