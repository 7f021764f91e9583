import zlib from "node:zlib";
import type { Page, Response } from "playwright-core";

export interface ScriptBytes {
  files: number;
  /** Body bytes as sent (compressed if the server compressed them). */
  sent: number;
  /** The same scripts uncompressed. */
  raw: number;
  /** What gzip -6 would make of them, in case the server sent them uncompressed. */
  gzip: number;
  /** How many were sent with a Content-Encoding. */
  compressed: number;
}

/** Starts counting the JavaScript files a page loads; call the returned function when loaded. */
export function countScripts(page: Page): () => Promise<ScriptBytes> {
  const responses: Response[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") responses.push(response);
  });
  return async () => {
    const totals: ScriptBytes = { files: 0, sent: 0, raw: 0, gzip: 0, compressed: 0 };
    for (const response of responses) {
      const body = await response.body().catch(() => null);
      if (!body) continue;
      const sizes = await response.request().sizes();
      totals.files += 1;
      totals.sent += sizes.responseBodySize;
      totals.raw += body.byteLength;
      totals.gzip += zlib.gzipSync(body, { level: 6 }).byteLength;
      if (response.headers()["content-encoding"]) totals.compressed += 1;
    }
    return totals;
  };
}
