import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** A person the test identity provider knows, by the login typed at its sign-in page. */
export interface OidcPerson {
  preferred_username: string;
  name: string;
  email?: string;
}

export interface OidcServer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

/** A free loopback port (the app's redirect URI must be registered before the app starts). */
export async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on a loopback port, with one
 * confidential client whose redirect URI is the workbench's Auth.js callback. Its development
 * sign-in page takes any login and password; the login names the person (`people`), and a
 * login nobody is listed under signs in as a stranger with only `sub`.
 */
export async function startOidcServer(appOrigin: string, people: Record<string, OidcPerson>): Promise<OidcServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "newsroom-workbench";
  const clientSecret = "test-client-secret-that-is-long-enough";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${appOrigin}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email", "email_verified"] },
    // The claims in the ID token itself, as most organisation providers send them.
    conformIdTokenClaims: false,
    cookies: { keys: ["test-cookie-key-for-the-oidc-provider"] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => {
        const person = people[sub];
        return person ? { sub, ...person, email_verified: true } : { sub };
      },
    }),
  });
  provider.on("grant.error", (_ctx, err) => console.warn("test identity provider refused a grant:", err.message, (err as { error_detail?: string }).error_detail ?? ""));
  // The development interactions warn on every start; a test provider is meant to use them.
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
