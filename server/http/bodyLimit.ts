import "server-only";
import type http from "node:http";

/** Largest request bodies accepted, in bytes (HTTP_MAX_BODY_BYTES, HTTP_MAX_AUTH_BODY_BYTES). */
export interface BodyLimits {
  /** Every route that is not sign-in. */
  defaultBytes: number;
  /** Auth.js's routes and the sign-in page, which anyone may post to without a session. */
  authBytes: number;
  /** `POST /api/media`: a photo (MEDIA_MAX_BYTES) in its multipart envelope. */
  mediaBytes: number;
}

/** Room for the multipart envelope around an uploaded file (boundaries, part headers, name). */
export const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

/** Sign-in traffic: Auth.js's own routes and the login page (its form posts a server action there). */
function isAuthPath(url: string): boolean {
  const pathname = url.split("?", 1)[0];
  return pathname.startsWith("/api/auth/") || pathname === "/login" || pathname.startsWith("/login/");
}

/** The limit that applies to this request. */
export function bodyLimitFor(url: string | undefined, limits: BodyLimits): number {
  const pathname = (url ?? "/").split("?", 1)[0];
  if (pathname === "/api/media") return limits.mediaBytes;
  return isAuthPath(pathname) ? limits.authBytes : limits.defaultBytes;
}

/**
 * How long a refused request's connection stays open after the answer, draining (and dropping)
 * what the client is still sending: closing on unread data resets the connection, and a reset
 * can take the 413 with it before the client has read it. Then the connection is closed.
 */
const LINGER_MS = 1000;

function refuse(req: http.IncomingMessage, res: http.ServerResponse, limit: number): void {
  const body = JSON.stringify({
    error: { code: "payload_too_large", message: `请求体过大（上限 ${limit} 字节）` },
  });
  res.writeHead(413, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  // The whole answer goes out now; ending the response (which closes the connection) waits.
  res.write(body);
  req.resume();
  setTimeout(() => res.end(), LINGER_MS).unref();
}

/**
 * Hands `req` to `next` only when its body fits the limit, answering 413
 * `payload_too_large` otherwise, so a huge post never reaches a body parser (Next's, Auth.js's)
 * that would read it whole into memory.
 *
 * A declared Content-Length over the limit is refused before a byte of the body is read; under
 * it, Node's parser delivers no more than declared, so the request passes untouched. A body of
 * unknown length (chunked) is held back as it arrives, counted, and only when it ends within the
 * limit is it given to the request stream and `next` called; past the limit it is dropped and
 * refused. Next therefore never sees a request that is refused, and never has its answer raced.
 */
export function limitRequestBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  limits: BodyLimits,
  next: () => void,
): void {
  const limit = bodyLimitFor(req.url, limits);
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    if (Number(declared) > limit) refuse(req, res, limit);
    else next();
    return;
  }
  if (req.headers["transfer-encoding"] === undefined || req.complete) {
    next(); // no body at all
    return;
  }
  holdChunkedBody(req, res, limit, next);
}

/**
 * Node's HTTP parser delivers body bytes by calling `req.push(chunk)` and ends with
 * `req.push(null)`; intercepting it counts the bytes before anything reads them, whatever mode
 * the stream is in, without consuming the stream Next will read.
 */
function holdChunkedBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number, next: () => void): void {
  const push = req.push.bind(req);
  const held: Buffer[] = [];
  let received = 0;
  let refused = false;
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (refused) return true;
    if (chunk === null) {
      req.push = push;
      for (const part of held) push(part);
      held.length = 0;
      push(null);
      next();
      return false;
    }
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding);
    received += bytes.length;
    if (received > limit) {
      refused = true;
      held.length = 0;
      refuse(req, res, limit);
      return true; // the rest is drained and dropped until the connection closes
    }
    held.push(bytes);
    return true;
  };
}
