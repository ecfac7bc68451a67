// Sinch's own Node helper for signed requests (npm @sinch/sdk-client, loaded by its file path
// from SINCH_SDK_CLIENT_DIR, since the package's exports map hides it), for the test suite.
//
//   node sdk_client_harness.js sign  < [{"method","body","contentType","timestamp","resource"}]
//       prints one Authorization value per request, as generateAuthorizationHeader makes it
//   node sdk_client_harness.js webhooks < [{"kind": "conversation"|"numbers", "secret", "headers", "body"}]
//       prints one line per webhook: true when validateWebhookSignature (Conversation, SMS)
//       or validateSignatureHeader (Numbers) accepts it, the body passed as a string
//   node sdk_client_harness.js sign-webhooks < [{"secret", "body", "nonce", "timestamp"}]
//       prints one x-sinch-webhook-signature per webhook, as computeSignedData and
//       calculateWebhookSignature make it (Conversation, SMS; the Numbers signer is not
//       exported)
//   node sdk_client_harness.js oauth-token AUTH_BASE_URL
//       fetches a token as Sinch's SDKs do (Oauth2TokenRequest with SINCH_KEY_ID and
//       SINCH_KEY_SECRET, loaded by file path) from AUTH_BASE_URL/oauth2/token; prints the
//       Authorization header it would send to the project APIs
//   node sdk_client_harness.js serve COUNT
//       prints its port, then answers COUNT requests: 200 when validateAuthenticationHeader
//       accepts them, 401 when not; prints one JSON verdict per request
//   node sdk_client_harness.js serve-webhooks COUNT
//       the same for webhooks signed with SINCH_WEBHOOK_SECRET: validateSignatureHeader when
//       the request has X-Sinch-Signature (Numbers), validateWebhookSignature otherwise; as
//       a careful server, it also answers 401 to a valid webhook whose nonce it has seen
//
// The helper signs an absent Content-Type as the text "undefined" (a quirk not copied):
// requests without one are given '' here, which is what Sinch's servers sign.
'use strict';
const http = require('http');
const path = require('path');

const dir = process.env.SINCH_SDK_CLIENT_DIR;
if (!dir) throw new Error('set SINCH_SDK_CLIENT_DIR');
const helper = require(path.join(dir, 'node_modules/@sinch/sdk-client/dist/utils/authorization.helper.js'));
const key = process.env.SINCH_KEY;
const secret = process.env.SINCH_SECRET;

function readStdin() {
  return new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c) => (text += c));
    process.stdin.on('end', () => resolve(text));
  });
}

async function sign() {
  const requests = JSON.parse(await readStdin());
  for (const r of requests) {
    const header = helper.generateAuthorizationHeader(
      r.method,
      r.body === '' ? undefined : r.body,
      r.contentType === null ? '' : r.contentType,
      'x-timestamp:' + r.timestamp,
      r.resource,
      key,
      secret,
    );
    process.stdout.write(header + '\n');
  }
}

async function webhooks() {
  const cases = JSON.parse(await readStdin());
  for (const c of cases) {
    const ok =
      c.kind === 'numbers'
        ? helper.validateSignatureHeader(c.secret, c.headers, c.body)
        : helper.validateWebhookSignature(c.secret, c.headers, c.body);
    process.stdout.write(String(ok) + '\n');
  }
}

async function signWebhooks() {
  const cases = JSON.parse(await readStdin());
  for (const c of cases) {
    const signed = helper.computeSignedData(c.body, c.nonce, c.timestamp);
    process.stdout.write(helper.calculateWebhookSignature(signed, c.secret) + '\n');
  }
}

function serve(count) {
  let left = count;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = helper.validateAuthenticationHeader(key, secret, req.headers, body, req.url, req.method);
      process.stdout.write(JSON.stringify({ method: req.method, path: req.url, ok }) + '\n');
      res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ validated: ok }));
      left -= 1;
      if (left === 0) server.close();
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\n'));
}

function serveWebhooks(count) {
  let left = count;
  const seen = new Set();
  const webhookSecret = process.env.SINCH_WEBHOOK_SECRET;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const numbers = 'x-sinch-signature' in req.headers;
      const ok = numbers
        ? helper.validateSignatureHeader(webhookSecret, req.headers, body)
        : helper.validateWebhookSignature(webhookSecret, req.headers, body);
      const nonce = req.headers['x-sinch-webhook-signature-nonce'];
      const replayed = ok && nonce !== undefined && seen.has(nonce);
      if (nonce !== undefined) seen.add(nonce);
      process.stdout.write(JSON.stringify({ kind: numbers ? 'numbers' : 'conversation', ok, replayed, body }) + '\n');
      res.writeHead(ok && !replayed ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ validated: ok, replayed }));
      left -= 1;
      if (left === 0) server.close();
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\n'));
}

async function oauthToken(base) {
  // The SDK's HTTP client reads @sinch/sdk-core's package.json for the version in its
  // User-Agent; that package (the whole SDK) is not installed here, so its version is
  // given. Nothing compared depends on it.
  const Module = require('module');
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === '@sinch/sdk-core/package.json') return { version: '0.0.0-harness' };
    return load.call(this, request, ...rest);
  };
  const { Oauth2TokenRequest } = require(path.join(dir, 'node_modules/@sinch/sdk-client/dist/plugins/oauth2/oauth2-token.request.js'));
  const request = new Oauth2TokenRequest(process.env.SINCH_KEY_ID, process.env.SINCH_KEY_SECRET, base);
  const header = await request.getOAuth2Token();
  process.stdout.write(header.Authorization + '\n');
}

const mode = process.argv[2];
if (mode === 'sign') sign();
else if (mode === 'webhooks') webhooks();
else if (mode === 'sign-webhooks') signWebhooks();
else if (mode === 'oauth-token') oauthToken(process.argv[3]);
else if (mode === 'serve') serve(Number(process.argv[3] || 1));
else if (mode === 'serve-webhooks') serveWebhooks(Number(process.argv[3] || 1));
else throw new Error('mode: sign | webhooks | sign-webhooks | serve COUNT | serve-webhooks COUNT');
