// Sinch's own Node SDKs (@sinch/sms, conversation, numbers, voice, verification) as real
// clients of `sinch-ticket mock`, and Sinch's own validators (@sinch/sdk-client's
// authorization helper) as the judges of the callbacks it sends. For the test suite.
//
//   node mock_node.js        (SINCH_SDKS_DIR: the folder whose node_modules holds them)
//
// 1. Starts a callback receiver on 127.0.0.1 and prints {"receiver": PORT}.
// 2. Reads one JSON line on standard input: {"mock": BASE_URL, "steps": [...]}, runs each
//    step named (all when the list is empty), printing {"step", "ok", ...} for each; a step
//    that throws prints {"step", "ok": false, "error", "status"} and the others go on.
// 3. Waits (at most 60 s) for the callbacks the steps expect, then prints
//    {"callbacks": [{"kind", "valid", "path"}...]} and exits.
//
// The receiver validates each callback with the SDK's own helper: validateAuthenticationHeader
// (Voice, Verification: the application key and secret), validateWebhookSignature
// (Conversation, SMS: MOCK_CONVERSATION_SECRET), validateSignatureHeader (Numbers:
// MOCK_NUMBERS_SECRET). It answers an ACE with SVAML that says and hangs up, a verification
// request with allow, anything else with 200.
'use strict';
const http = require('http');
const path = require('path');
const readline = require('readline');

const dir = process.env.SINCH_SDKS_DIR;
if (!dir) throw new Error('set SINCH_SDKS_DIR');
const need = (name) => require(path.join(dir, 'node_modules', name));
const { SmsService } = need('@sinch/sms');
const { ConversationService } = need('@sinch/conversation');
const { NumbersService } = need('@sinch/numbers');
const { VoiceService } = need('@sinch/voice');
const { VerificationService } = need('@sinch/verification');
const helper = need('@sinch/sdk-client/dist/utils/authorization.helper.js');

const env = (name) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};
const KEY = env('MOCK_KEY');
const SECRET = env('MOCK_APP_SECRET');
const PROJECT = env('MOCK_PROJECT');
const KEY_ID = env('MOCK_KEY_ID');
const KEY_SECRET = env('MOCK_KEY_SECRET');
const PLAN = env('MOCK_PLAN');
const PLAN_TOKEN = env('MOCK_PLAN_TOKEN');
const CONVERSATION_SECRET = env('MOCK_CONVERSATION_SECRET');
const NUMBERS_SECRET = env('MOCK_NUMBERS_SECRET');

const callbacks = [];
let receiverPort = 0;

const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let parsed = {};
    try { parsed = JSON.parse(body); } catch (e) { /* judged below */ }
    let valid;
    let kind;
    if (req.headers['x-sinch-signature'] !== undefined) {
      valid = helper.validateSignatureHeader(NUMBERS_SECRET, req.headers, body);
      kind = parsed.eventType;
    } else if (req.headers['x-sinch-webhook-signature'] !== undefined) {
      valid = helper.validateWebhookSignature(CONVERSATION_SECRET, req.headers, body);
      kind = parsed.type
        || (parsed.message_delivery_report && `message_delivery_report:${parsed.message_delivery_report.status}`);
    } else if (req.headers.authorization !== undefined) {
      valid = helper.validateAuthenticationHeader(KEY, SECRET, req.headers, body, req.url, req.method);
      kind = parsed.event;
    } else {
      valid = false;
      kind = parsed.type || parsed.event || 'unsigned';
    }
    callbacks.push({ kind, valid, path: req.url, status: parsed.status });
    let answer = '';
    if (parsed.event === 'ace') {
      answer = JSON.stringify({
        instructions: [{ name: 'say', text: 'Hello from the test', locale: 'en-US' }],
        action: { name: 'hangup' },
      });
    } else if (parsed.event === 'VerificationRequestEvent') {
      answer = JSON.stringify({ action: 'allow' });
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(answer);
  });
});

const failure = (error) => ({
  error: String(error && error.message ? error.message : error).slice(0, 500),
  status: error && (error.statusCode || (error.response && error.response.status)),
  data: error && error.data,
});

async function run(mock, wanted) {
  const callbackUrl = (p) => `http://127.0.0.1:${receiverPort}${p}`;
  const oauth = { projectId: PROJECT, keyId: KEY_ID, keySecret: KEY_SECRET, authHostname: mock };
  const application = { applicationKey: KEY, applicationSecret: SECRET };
  const sms = new SmsService({ ...oauth, smsHostname: mock });
  const expected = [];
  const steps = {
    async 'sms'() {
      const sent = await sms.batches.send({
        sendSMSRequestBody: {
          to: ['+46700000000', '+46700010001', '+46700010002'],
          from: '+12025550100',
          body: 'Hello from the SDK',
          delivery_report: 'per_recipient',
          callback_url: callbackUrl('/sms'),
        },
      });
      expected.push('recipient_delivery_report_sms', 'recipient_delivery_report_sms', 'recipient_delivery_report_sms');
      const got = await sms.batches.get({ batch_id: sent.id });
      const page = await sms.batches.list({ page_size: 10 });
      const report = await sms.deliveryReports.get({ batch_id: sent.id, type: 'full' });
      const one = await sms.deliveryReports.getForNumber({ batch_id: sent.id, recipient_msisdn: '+46700010001' });
      const cancelled = await sms.batches.cancel({ batch_id: sent.id });
      return {
        id: sent.id,
        createdIsDate: sent.created_at instanceof Date && got.created_at instanceof Date,
        sameBatch: got.id === sent.id && got.body === 'Hello from the SDK',
        listed: page.data.some((b) => b.id === sent.id),
        reportStatuses: report.statuses.map((s) => s.status).sort(),
        recipientStatus: one.status,
        recipientAtIsDate: one.at instanceof Date,
        cancelled: cancelled.canceled,
      };
    },
    async 'sms-service-plan'() {
      const plan = new SmsService({ servicePlanId: PLAN, apiToken: PLAN_TOKEN, smsHostname: mock });
      const sent = await plan.batches.send({ sendSMSRequestBody: { to: ['+46700000000'], from: '+12025550100', body: 'plan' } });
      const got = await plan.batches.get({ batch_id: sent.id });
      return { id: sent.id, same: got.id === sent.id };
    },
    async 'sms-wrong-key-secret'() {
      const wrong = new SmsService({ ...oauth, keySecret: 'not-the-secret', smsHostname: mock });
      try {
        await wrong.batches.send({ sendSMSRequestBody: { to: ['+46700000000'], from: '+1', body: 'x' } });
        return { refused: false };
      } catch (error) {
        return { refused: true, ...failure(error) };
      }
    },
    async 'sms-token-renewed'() {
      // With tokens living 61 s, the SDK takes each as good for one second (it renews a
      // minute before `exp`): the second call, two seconds later, fetches a new one.
      const renewing = new SmsService({ ...oauth, smsHostname: mock });
      const first = await renewing.batches.list({ page_size: 1 });
      await new Promise((r) => setTimeout(r, 2000));
      const second = await renewing.batches.list({ page_size: 1 });
      return { first: Array.isArray(first.data), second: Array.isArray(second.data) };
    },
    async 'conversation'() {
      const conversation = new ConversationService({ ...oauth, conversationHostname: mock });
      const sent = await conversation.messages.send({
        sendMessageRequestBody: {
          app_id: '01HAPPID0000000000000000AB',
          recipient: { identified_by: { channel_identities: [{ channel: 'SMS', identity: '+46700000000' }] } },
          message: { text_message: { text: 'Hello from the SDK' } },
          callback_url: callbackUrl('/conversation'),
        },
      });
      expected.push('message_delivery_report:QUEUED_ON_CHANNEL', 'message_delivery_report:DELIVERED');
      const got = await conversation.messages.get({ message_id: sent.message_id });
      const list = await conversation.messages.list({ page_size: 10 });
      return {
        id: sent.message_id,
        acceptedIsDate: sent.accepted_time instanceof Date,
        same: got.id === sent.message_id,
        gotAcceptIsDate: got.accept_time instanceof Date,
        text: got.app_message && got.app_message.text_message && got.app_message.text_message.text,
        listed: list.data.some((m) => m.id === sent.message_id),
      };
    },
    async 'numbers'() {
      const numbers = new NumbersService({ ...oauth, numbersHostname: mock });
      const available = await numbers.availableNumber.list({ regionCode: 'US', type: 'LOCAL' });
      const phoneNumber = available.availableNumbers[0].phoneNumber;
      const rented = await numbers.availableNumber.rent({
        phoneNumber,
        rentNumberRequestBody: { smsConfiguration: { servicePlanId: PLAN }, callbackUrl: callbackUrl('/numbers') },
      });
      expected.push('PROVISIONING_TO_SMS_PLATFORM');
      const active = await numbers.activeNumber.get({ phoneNumber });
      const listed = await numbers.activeNumber.list({ regionCode: 'US', type: 'LOCAL' });
      return {
        phoneNumber,
        offered: available.availableNumbers.length,
        rented: rented.phoneNumber === phoneNumber,
        nextChargeIsDate: rented.nextChargeDate instanceof Date,
        active: active.phoneNumber === phoneNumber,
        listed: listed.data.some((n) => n.phoneNumber === phoneNumber),
      };
    },
    async 'voice'() {
      const voice = new VoiceService({ ...application, voiceHostname: mock });
      const placed = await voice.callouts.tts({
        ttsCalloutRequestBody: {
          method: 'ttsCallout',
          ttsCallout: { destination: { type: 'number', endpoint: '+46700000000' }, cli: '+12025550100', text: 'Hello', locale: 'en-US' },
        },
      });
      expected.push('ace', 'dice');
      const call = await voice.calls.get({ callId: placed.callId });
      const conf = await voice.callouts.conference({
        conferenceCalloutRequestBody: {
          method: 'conferenceCallout',
          conferenceCallout: { destination: { type: 'number', endpoint: '+46700010002' }, conferenceId: 'standup' },
        },
      });
      const conference = await voice.conferences.get({ conferenceId: 'standup' });
      await voice.calls.update({ callId: conf.callId, updateCallRequestBody: { instructions: [], action: { name: 'hangup' } } });
      expected.push('dice');
      const ended = await voice.calls.get({ callId: conf.callId });
      return {
        callId: placed.callId,
        same: call.callId === placed.callId,
        status: call.status,
        participants: (conference.participants || []).map((p) => p.id === conf.callId),
        endedStatus: ended.status,
        endedReason: ended.reason,
      };
    },
    async 'voice-wrong-secret'() {
      const wrong = new VoiceService({ applicationKey: KEY, applicationSecret: 'JViE5vDor0Sw3WllZka15Q==', voiceHostname: mock });
      try {
        await wrong.callouts.tts({ ttsCalloutRequestBody: { method: 'ttsCallout', ttsCallout: { destination: { type: 'number', endpoint: '+46700000000' }, text: 'x' } } });
        return { refused: false };
      } catch (error) {
        return { refused: true, ...failure(error) };
      }
    },
    async 'verification'() {
      const verification = new VerificationService({ ...application, verificationHostname: mock });
      const started = await verification.verifications.startSms({
        startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint: '+46700000000' }, reference: 'ref-sdk' },
      });
      expected.push('VerificationRequestEvent');
      const reported = await verification.verifications.reportSmsById({
        id: started.id,
        reportSmsVerificationByIdRequestBody: { sms: { code: '1234' } },
      });
      expected.push('VerificationResultEvent');
      const status = await verification.verificationStatus.getById({ id: started.id });
      return { id: started.id, method: started.method, reported: reported.status, status: status.status };
    },
  };
  const names = wanted.length ? wanted : Object.keys(steps);
  for (const name of names) {
    try {
      const result = await steps[name]();
      process.stdout.write(JSON.stringify({ step: name, ok: true, ...result }) + '\n');
    } catch (error) {
      process.stdout.write(JSON.stringify({ step: name, ok: false, ...failure(error) }) + '\n');
    }
  }
  const until = Date.now() + 60000;
  const have = () => {
    const left = [...expected];
    for (const c of callbacks) {
      const i = left.indexOf(c.kind);
      if (i >= 0) left.splice(i, 1);
    }
    return left.length === 0;
  };
  while (!have() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(JSON.stringify({ callbacks, expected }) + '\n');
}

receiver.listen(0, '127.0.0.1', () => {
  receiverPort = receiver.address().port;
  process.stdout.write(JSON.stringify({ receiver: receiverPort }) + '\n');
  const lines = readline.createInterface({ input: process.stdin });
  lines.once('line', async (line) => {
    const { mock, steps } = JSON.parse(line);
    await run(mock, steps || []);
    receiver.close();
    process.exit(0);
  });
});
