// A real OpenID Provider (the certified `oidc-provider` package) for the tests, as a child
// process on a loopback port: its own clock (CLOCK_OFFSET_S) cannot disturb the gateway's.
// Env: PORT (0: any), CLIENTS (JSON list of { client_id, client_secret, redirect_uris }),
// USERS (JSON: account id -> claims), CLOCK_OFFSET_S (this provider's clock, shifted),
// PUBLISH_OTHER_KEY=1 (publish another key under the signing key's kid: tokens it signs
// do not verify), OP_DEBUG (log failed grants). Prints `listening <issuer>` once it serves.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const offsetMs = Number(process.env.CLOCK_OFFSET_S ?? 0) * 1000;
if (offsetMs) {
  const now = Date.now.bind(Date);
  Date.now = () => now() + offsetMs;
}
const users = JSON.parse(process.env.USERS ?? '{}');
const clients = JSON.parse(process.env.CLIENTS ?? '[]');

const jwkOf = async () => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: 'signing-key', alg: 'RS256', use: 'sig' };
};
const signing = await jwkOf();
const other = await jwkOf();
const publicOf = ({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use });

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({ grant_types: ['authorization_code'], response_types: ['code'], ...c })),
  jwks: { keys: [signing] },
  cookies: { keys: ['a cookie key for tests only'] },
  findAccount: (_ctx, id) =>
    users[id] ? { accountId: id, claims: () => ({ sub: users[id].sub ?? id, ...users[id] }) } : undefined,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  // The scopes' claims in the ID token itself, as Keycloak and Entra put groups there.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  // A first-party client: consent is granted without asking (no consent page).
  loadExistingGrant: async (ctx) => {
    const id = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (id) return ctx.oidc.provider.Grant.find(id);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});
provider.on('server_error', (_ctx, err) => console.error('provider error', err));
if (process.env.OP_DEBUG)
  provider.on('grant.error', (_ctx, err) => console.error('grant error', err.message, err.error_description));
const handle = provider.callback();
server.on('request', (req, res) => {
  if (process.env.PUBLISH_OTHER_KEY === '1' && req.url === '/jwks') {
    res.setHeader('content-type', 'application/jwk-set+json');
    res.end(JSON.stringify({ keys: [publicOf(other)] }));
    return;
  }
  handle(req, res);
});
console.log(`listening ${issuer}`);
