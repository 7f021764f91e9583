import http from "node:http";

/** An HTTP answer read in full. */
export interface AddressedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  setCookies: string[];
}

/**
 * An HTTP request from a chosen loopback address (127.0.0.2, 127.0.0.3, …: on Linux all of
 * 127/8 is loopback), so a test can be several clients at different addresses: the server sees
 * the address of the TCP connection, which a client cannot fake with a header.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  { method = "GET", headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<AddressedResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          setCookies: response.headers["set-cookie"] ?? [],
        }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

/** What a sign-in attempt from one address got. */
export interface SignInAttempt {
  status: number;
  /** Seconds, from Retry-After, when the attempt was rate limited. */
  retryAfter: number | null;
  /** The session cookie when the sign-in succeeded. */
  cookie: string | null;
  body: string;
  /** Every cookie the answer set, as `name=value` pairs. */
  setCookies: string[];
}

/**
 * Auth.js's credentials flow (csrf, then the callback) from `localAddress`; `cookies` are sent
 * along (a browser's proven-device cookie, say).
 */
export async function signInFrom(
  localAddress: string,
  baseUrl: string,
  username: string,
  password: string,
  cookies: string[] = [],
): Promise<SignInAttempt> {
  const csrf = await requestFrom(localAddress, `${baseUrl}/api/auth/csrf`);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const jar = [...cookies, ...csrf.setCookies.map((c) => c.split(";")[0])].join("; ");
  const answer = await requestFrom(localAddress, `${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, username, password }).toString(),
  });
  const session = answer.setCookies.map((c) => c.split(";")[0]).find((c) => /^authjs\.session-token=./.test(c)) ?? null;
  const retryAfter = answer.headers["retry-after"];
  return {
    status: answer.status,
    retryAfter: typeof retryAfter === "string" ? Number(retryAfter) : null,
    cookie: session,
    body: answer.body,
    setCookies: answer.setCookies.map((c) => c.split(";")[0]),
  };
}
