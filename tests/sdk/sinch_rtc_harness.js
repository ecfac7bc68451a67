// Starts Sinch's own JavaScript SDK v1 (npm sinch-rtc, loaded from SINCH_RTC_DIR) with the
// tickets this project makes, against a local stand-in for the Sinch API on 127.0.0.1, and
// prints, as one JSON line per case, what the SDK believed and what reached the stand-in.
//
// Input on stdin (JSON): {"key": KEY, "secret": BASE64, "cases": [{"name", "ticket"} |
// {"name", "snippet"}]}. A "snippet" case runs the program's own --snippet output as a page
// would, with SinchClient being the real SDK. Nothing here copies or changes the SDK's ticket
// handling: three shims only make its Node build load on Node 20 (see the comments).

'use strict';
const crypto = require('crypto');
const http = require('http');
const fs = require('fs');
const path = require('path');
const Module = require('module');
const EventEmitter = require('events');

const sdkDir = process.env.SINCH_RTC_DIR;
if (!sdkDir) throw new Error('set SINCH_RTC_DIR to the folder holding node_modules/sinch-rtc');

// Shim 1: the SDK's old pubnub reads http.Agent.super_, which Node 20 no longer sets.
http.Agent.super_ = EventEmitter;
// Shim 2: the optional native WebRTC module; only messaging is started here.
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'wrtc') return {};
  return load.call(this, request, parent, isMain);
};
// Shim 3: the SDK's module-local `navigator` fallback lacks userAgent and vendor; hand it a
// browser-like one through a global instead.
globalThis.__sinchNavigator = {
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) sinch-ticket-test',
  vendor: '',
  mediaDevices: { getUserMedia: () => false },
};
const sdkFile = path.join(sdkDir, 'node_modules/sinch-rtc/lib/sinch.node.min.js');
const source = fs
  .readFileSync(sdkFile, 'utf8')
  .replace('navigator=navigator||', 'navigator=globalThis.__sinchNavigator||');
const sdkModule = new Module(sdkFile, module);
sdkModule.filename = sdkFile;
sdkModule.paths = Module._nodeModulePaths(path.dirname(sdkFile));
sdkModule._compile(source, sdkFile);
const SinchClient = sdkModule.exports;
// The SDK keeps each user's session in this (in-memory) localStorage and would reuse it for
// the next case of the same user instead of sending its ticket: start each case afresh.
const sdkStorage = sdkModule.require('localStorage');

function readStdin() {
  return new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(JSON.parse(text)));
  });
}

// The stand-in: what Sinch's server checks of a user ticket, nothing more.
function standIn(key, secret, seen) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const reply = (status, json) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const url = req.url;
      if (req.method === 'GET' && url.startsWith('/v1/timestamp')) {
        return reply(200, { timestamp: new Date().toISOString() });
      }
      if (req.method === 'POST' && url === '/v1/instance') {
        const auth = req.headers.authorization || '';
        const verdict = checkTicket(auth, key, secret);
        seen.push({ path: url, authorization: auth, verdict });
        if (!verdict.ok) return reply(401, { errorCode: 40100, message: verdict.reason });
        return reply(200, {
          id: 'instance-' + seen.length,
          secret: Buffer.from('instance secret').toString('base64'),
          expiresIn: 86400,
        });
      }
      if (req.method === 'GET' && url.startsWith('/v1/configuration/user')) {
        seen.push({ path: url });
        return reply(200, {});
      }
      seen.push({ path: url, method: req.method, unexpected: true });
      return reply(404, {});
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function checkTicket(authorization, key, secret) {
  const match = /^user (.+)$/.exec(authorization);
  if (!match) return { ok: false, reason: 'no user ticket' };
  const [jsonPart, macPart] = match[1].split(':');
  const json = Buffer.from(jsonPart || '', 'base64');
  const mac = crypto.createHmac('sha256', Buffer.from(secret, 'base64')).update(json).digest();
  const given = Buffer.from(macPart || '', 'base64');
  if (given.length !== mac.length || !crypto.timingSafeEqual(given, mac)) {
    return { ok: false, reason: 'MAC mismatch' };
  }
  // Sinch's server reads the JSON as UTF-8.
  const ticket = JSON.parse(json.toString('utf8'));
  if (ticket.applicationKey !== key) return { ok: false, reason: 'wrong application key' };
  if (!ticket.identity || ticket.identity.type !== 'username') {
    return { ok: false, reason: 'no username identity' };
  }
  const expires = Date.parse(ticket.created) + 1000 * ticket.expiresIn;
  if (!(expires > Date.now())) return { ok: false, reason: 'expired' };
  return { ok: true, identity: ticket.identity.endpoint };
}

function clientFor(key, base) {
  const urlObj = {};
  for (const name of ['base', 'user', 'calling', 'messaging', 'portal', 'reporting', 'verification']) {
    urlObj[name] = base + '/v1/';
  }
  urlObj.reporting_v2 = base + '/v2/';
  return { urlObj };
}

// Each case has a stand-in of its own, so that nothing a client still does in the
// background (a retry, say) is counted for the next case.
async function runCase(input, testCase) {
  const seen = [];
  sdkStorage.clear();
  const server = await standIn(input.key, input.secret, seen);
  const urls = clientFor(input.key, 'http://127.0.0.1:' + server.address().port);
  // The SDK's own account of how far it got ("Get MXP configuration" comes after the
  // instance request was accepted).
  const progress = [];
  let client;
  let started;
  if (testCase.snippet) {
    // The page's own script, with the real SDK as SinchClient and the stand-in's URLs.
    const script = /<script>([\s\S]*?)<\/script>/.exec(testCase.snippet)[1];
    const Wrapped = function (config) {
      return new SinchClient(Object.assign({}, config, urls, { startActiveConnection: false }));
    };
    const sandbox = {
      SinchClient: Wrapped,
      console: { log: (message) => progress.push(String(message)) },
    };
    const run = new Function('SinchClient', 'console', script + '\nreturn sinchClient;');
    const original = SinchClient.prototype.start;
    let promise;
    SinchClient.prototype.start = function (...args) {
      promise = original.apply(this, args);
      return promise;
    };
    try {
      client = run(sandbox.SinchClient, sandbox.console);
    } finally {
      SinchClient.prototype.start = original;
    }
    started = promise;
  } else {
    client = new SinchClient(
      Object.assign(
        {
          applicationKey: input.key,
          capabilities: { messaging: true },
          onLogMessage: (message) => progress.push(String(message.message)),
        },
        urls,
      ),
    );
    started = client.start({ userTicket: testCase.ticket });
  }
  let outcome;
  try {
    await Promise.race([
      Promise.resolve(started),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 10 s')), 10000)),
    ]);
    outcome = 'started';
  } catch (err) {
    outcome = 'failed: ' + (err && (err.message || JSON.stringify(err)));
  }
  const instance = seen.find((s) => s.path === '/v1/instance');
  return {
    name: testCase.name,
    outcome,
    userId: client && client.user ? client.user.userId : null,
    sentTicket: instance ? instance.authorization.replace(/^user /, '') : null,
    standIn: instance ? instance.verdict : null,
    progress,
  };
}

(async () => {
  const input = await readStdin();
  for (const testCase of input.cases) {
    const result = await runCase(input, testCase);
    process.stdout.write(JSON.stringify(result) + '\n');
  }
  // The SDK's clients keep timers and sockets; the report is complete.
  process.exit(0);
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
