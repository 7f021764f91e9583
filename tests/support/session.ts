import { DEMO_PASSWORD } from "./testServer";

/** Collects Set-Cookie values into a Cookie header. */
function mergeCookies(jar: Map<string, string>, response: Response): void {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const eq = pair.indexOf("=");
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/**
 * Signs in through Auth.js's own HTTP flow (csrf, then the credentials callback) and returns
 * the Cookie header a browser would send, or null when the sign-in was refused.
 */
export async function trySignIn(baseUrl: string, username: string, password: string): Promise<string | null> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  mergeCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, username, password }),
  });
  mergeCookies(jar, response);
  const token = jar.get("authjs.session-token");
  return token ? `authjs.session-token=${token}` : null;
}

/** Signs out through Auth.js's HTTP flow (csrf, then POST /api/auth/signout), as the browser does. */
export async function signOut(baseUrl: string, cookie: string): Promise<void> {
  const jar = new Map<string, string>(cookie.split("; ").map((pair) => pair.split("=", 2) as [string, string]));
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { cookie: cookieHeader(jar) } });
  mergeCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar), origin: baseUrl },
    body: new URLSearchParams({ csrfToken }),
  });
  if (response.status >= 400) throw new Error(`sign-out gave ${response.status}`);
}

/** Signs in a demo account; fails the test if that is refused. */
export async function signIn(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const cookie = await trySignIn(baseUrl, username, password);
  if (!cookie) throw new Error(`sign-in as ${username} was refused`);
  return cookie;
}

/** A JSON API call with the session cookie (and this origin, as a browser page would send). */
export async function api<T = unknown>(
  baseUrl: string,
  cookie: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function createArticle(baseUrl: string, cookie: string, title = ""): Promise<string> {
  const { status, body } = await api<{ id: string }>(baseUrl, cookie, "POST", "/api/articles", { title });
  if (status !== 201) throw new Error(`creating an article gave ${status}`);
  return body.id;
}

export interface StoredArticle {
  title: string;
  state: string;
  content: { title: string; text: string };
  present: { id: string; name: string }[];
}

export async function getArticle(baseUrl: string, cookie: string, id: string): Promise<StoredArticle> {
  const { status, body } = await api<StoredArticle>(baseUrl, cookie, "GET", `/api/articles/${id}`);
  if (status !== 200) throw new Error(`GET article gave ${status}`);
  return body;
}

/** The desk puts reporters on a story's byline (only members may write in a draft). */
export async function addMembers(baseUrl: string, editorCookie: string, id: string, usernames: string[]): Promise<void> {
  for (const username of usernames) {
    const { status } = await api(baseUrl, editorCookie, "POST", `/api/articles/${id}/members`, { username });
    if (status !== 200) throw new Error(`adding ${username} to the byline gave ${status}`);
  }
}

/** A story by the editor with the three demo reporters on its byline. */
export async function createTeamStory(baseUrl: string, editorCookie: string, title = ""): Promise<string> {
  const id = await createArticle(baseUrl, editorCookie, title);
  await addMembers(baseUrl, editorCookie, id, ["yaoyuchao", "xuweixiang", "zhoumi"]);
  return id;
}
