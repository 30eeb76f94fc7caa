/**
 * The ingest Lambda, bundled as it ships, against fauxqs (SQS) with Secrets Manager mocked: API Gateway v2
 * events in, messages in the subscribed functions' queues out.
 */
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { useFakeAwsEnv } from './support/aws-env';
import { loadBundledHandler, removeBundles } from './support/bundle';
import { createQueue, drainBodies, drainMessages, startFauxqs, type Fauxqs, type Queue } from './support/fauxqs';
import { apiGatewayEvent, basicAuth, lambdaContext, type HttpCall } from './support/lambda';
import { interceptLocalhostDns } from './support/localhost-dns';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
interface IngestModule { handler: Handler; createIngestHandler(env?: Record<string, string | undefined>): Handler }

const WEB_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-source-web';
const HOOKS_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-source-hooks';
const SOURCE_SECRETS = { web: WEB_ARN, hooks: HOOKS_ARN };
const SHARED_SECRET = 'hook-shared-secret';

const secrets = mockClient(SecretsManagerClient);
let sqs: Fauxqs;
let orders: Queue;   // function "orders": every source, only Order Completed
let tracks: Queue;   // function "tracks": source web only, only tracks
let ingest: IngestModule;
let restoreEnv: () => void;
let restoreDns: () => void;
let quiet: jest.SpyInstance[] = [];

const invoke = (call: HttpCall, handler: Handler = ingest.handler) => handler(apiGatewayEvent(call), lambdaContext('destfn-ingest'));
const bodyOf = (res: APIGatewayProxyStructuredResultV2) => JSON.parse(String(res.body)) as Record<string, unknown>;
const json = { 'Content-Type': 'application/json' };

function functionsEnv(overrides: Partial<Record<'orders' | 'tracks', string>> = {}): string {
  return JSON.stringify([
    { name: 'orders', queueUrl: overrides.orders ?? orders.url, sources: null, filter: 'event = "Order Completed"' },
    { name: 'tracks', queueUrl: overrides.tracks ?? tracks.url, sources: ['web'], filter: 'type = "track"' },
  ]);
}

beforeAll(async () => {
  restoreDns = interceptLocalhostDns();
  sqs = await startFauxqs();
  orders = await createQueue(sqs.client, 'orders');
  tracks = await createQueue(sqs.client, 'tracks');
  restoreEnv = useFakeAwsEnv({
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    DESTFN_FUNCTIONS: functionsEnv(),
    DESTFN_SOURCE_SECRETS: JSON.stringify(SOURCE_SECRETS),
  });
  ingest = loadBundledHandler<IngestModule>('ingest-handler');
});

afterAll(async () => {
  await sqs?.stop();
  restoreEnv?.();
  restoreDns?.();
  secrets.restore();
  removeBundles();
});

beforeEach(() => {
  secrets.reset();
  secrets.on(GetSecretValueCommand, { SecretId: WEB_ARN }).resolves({ SecretString: JSON.stringify({ writeKey: 'wk_web' }) });
  secrets.on(GetSecretValueCommand, { SecretId: HOOKS_ARN })
    .resolves({ SecretString: JSON.stringify({ writeKey: 'wk_hooks', sharedSecret: SHARED_SECRET }) });
  // Powertools writes the handler's JSON log lines to stdout/stderr.
  quiet = [jest.spyOn(process.stdout, 'write').mockImplementation(() => true), jest.spyOn(process.stderr, 'write').mockImplementation(() => true)];
});

afterEach(async () => {
  for (const spy of quiet) spy.mockRestore();
  await drainBodies(sqs.client, orders);
  await drainBodies(sqs.client, tracks);
});

const track = (event: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'track', event, userId: 'u1', ...extra });

describe('ingest handler', () => {
  it('puts each event in the queues of the functions whose source and filter match, and no filtered event anywhere', async () => {
    const res = await invoke({
      path: '/v1/batch',
      headers: { Authorization: basicAuth('wk_web'), ...json },
      body: JSON.stringify({ batch: [
        track('Order Completed', { messageId: 'm-order' }),
        track('Product Viewed', { messageId: 'm-view' }),
        { type: 'identify', userId: 'u1', traits: { plan: 'pro' }, messageId: 'm-identify' },
      ] }),
    });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ success: true });

    const inOrders = await drainBodies(sqs.client, orders);
    const inTracks = await drainBodies(sqs.client, tracks);
    expect(inOrders.map((e) => e.messageId)).toEqual(['m-order']);
    expect(inTracks.map((e) => e.messageId).sort()).toEqual(['m-order', 'm-view']);
    // The message body is the validated event: receivedAt set by ingest, the write key never forwarded.
    expect(inOrders[0]).toMatchObject({ type: 'track', event: 'Order Completed', userId: 'u1' });
    expect(typeof inOrders[0].receivedAt).toBe('string');
  });

  it('takes a gzip body, which API Gateway hands over base64-encoded', async () => {
    const body = gzipSync(JSON.stringify({ batch: [track('Order Completed', { messageId: 'm-gzip' })] }));
    const res = await invoke({ path: '/v1/batch', headers: { Authorization: basicAuth('wk_web'), 'Content-Encoding': 'gzip', ...json }, body });
    expect(res.statusCode).toBe(200);
    expect((await drainBodies(sqs.client, orders)).map((e) => e.messageId)).toEqual(['m-gzip']);
  });

  it('routes by source: a source the function does not subscribe to reaches only the functions that take every source', async () => {
    const body = JSON.stringify(track('Order Completed', { messageId: 'm-hook' }));
    const signature = createHmac('sha1', SHARED_SECRET).update(body).digest('hex');
    const res = await invoke({ path: '/webhook/hooks', headers: { 'X-Signature': signature, ...json }, body });
    expect(res.statusCode).toBe(200);
    expect((await drainBodies(sqs.client, orders)).map((e) => e.messageId)).toEqual(['m-hook']);
    expect(await drainBodies(sqs.client, tracks)).toEqual([]);
  });

  it('decodes a base64 body and takes the write key from the body; assigns a messageId when missing', async () => {
    const res = await invoke({
      path: '/v1/track', headers: json, base64: true,
      body: JSON.stringify({ ...track('Order Completed'), writeKey: 'wk_web' }),
    });
    expect(res.statusCode).toBe(200);
    const [queued] = await drainBodies(sqs.client, orders);
    expect(typeof queued.messageId).toBe('string');
    expect(queued.messageId).not.toBe('');
    expect(queued).not.toHaveProperty('writeKey');
  });

  it('packs the events of a request for one function into as few messages as fit (16 events each)', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => track('Order Completed', { messageId: `m-${i}` }));
    const res = await invoke({ path: '/v1/import', headers: { authorization: basicAuth('wk_web') }, body: JSON.stringify({ batch }) });
    expect(res.statusCode).toBe(200);
    const messages = await drainMessages(sqs.client, orders);
    expect(messages.map((m) => m.length).sort()).toEqual([16, 9]);
    // An accepted request writes no log line at the default level (the API access log has one): lib/COST.md.
    const written = quiet.flatMap((spy) => spy.mock.calls.map((c) => String(c[0])));
    expect(written.filter((line) => line.includes('ingest: accepted'))).toEqual([]);
    expect(messages.flat().map((e) => e.messageId).sort()).toEqual(batch.map((e) => e.messageId).sort());
    expect(await drainBodies(sqs.client, tracks)).toHaveLength(25);
  });

  it('queues requests larger than one SendMessageBatch call (10 messages, 256 KiB)', async () => {
    // 24 events of ~20 KB: 3 per 64 KB message, 8 messages of ~60 KB, 4 per call (256 KiB).
    const batch = Array.from({ length: 24 }, (_, i) => track('Order Completed', { messageId: `big-${i}`, properties: { text: 'x'.repeat(20_000) } }));
    const res = await invoke({ path: '/v1/import', headers: { authorization: basicAuth('wk_web') }, body: JSON.stringify({ batch }) });
    expect(res.statusCode).toBe(200);
    const messages = await drainMessages(sqs.client, orders);
    expect(messages).toHaveLength(8);
    expect(messages.flat().map((e) => e.messageId).sort()).toEqual(batch.map((e) => e.messageId).sort());
    await drainBodies(sqs.client, tracks);
  });

  it('answers 401 for a wrong write key or signature and queues nothing', async () => {
    const wrongKey = await invoke({ path: '/v1/track', headers: { authorization: basicAuth('nope'), ...json }, body: JSON.stringify(track('Order Completed')) });
    expect(wrongKey.statusCode).toBe(401);
    expect(bodyOf(wrongKey)).toMatchObject({ success: false, error: expect.stringContaining('write key') });

    const unsigned = await invoke({ path: '/webhook/hooks', headers: { 'x-signature': 'deadbeef', ...json }, body: JSON.stringify(track('Order Completed')) });
    expect(unsigned.statusCode).toBe(401);
    expect(await drainBodies(sqs.client, orders)).toEqual([]);
  });

  it('queues the valid events of a batch and answers 200 naming the invalid one: one log line (snippet redacted) and a RejectedEvents metric', async () => {
    const invalid = await invoke({
      path: '/v1/batch', headers: { authorization: basicAuth('wk_web'), ...json },
      body: JSON.stringify({ batch: [track('Order Completed', { messageId: 'm-valid' }), { type: 'track', event: 'No user', writeKey: 'wk_web' }] }),
    });
    expect(invalid.statusCode).toBe(200);
    expect(bodyOf(invalid)).toEqual({ success: true, rejected: [{ index: 1, error: expect.stringContaining('userId') }] });
    expect((await drainBodies(sqs.client, orders)).map((e) => e.messageId)).toEqual(['m-valid']);

    const lines = quiet.flatMap((spy) => spy.mock.calls.map((call) => String(call[0]))).join('').split('\n').filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.message === 'ingest: event rejected')).toEqual([expect.objectContaining({
      level: 'WARN', source: 'web', index: 1, reason: expect.stringContaining('userId'),
      snippet: '{"type":"track","event":"No user","writeKey":"[REDACTED]"}',
    })]);
    const emf = lines.filter((l) => l._aws !== undefined);
    expect(emf).toEqual([expect.objectContaining({ RejectedEvents: 1 })]);
    expect(emf[0]._aws).toMatchObject({ CloudWatchMetrics: [{ Metrics: [{ Name: 'RejectedEvents', Unit: 'Count' }] }] });
  });

  it('answers 400 for a single invalid event (logged as rejected, counted) and for invalid JSON (not logged); queues nothing', async () => {
    const invalid = await invoke({ path: '/v1/track', headers: { authorization: basicAuth('wk_web'), ...json }, body: JSON.stringify({ type: 'track', event: 'No user', writeKey: 'wk_web' }) });
    expect(invalid.statusCode).toBe(400);
    expect(bodyOf(invalid)).toMatchObject({ success: false, error: expect.stringContaining('userId') });
    const lines = quiet.flatMap((spy) => spy.mock.calls.map((call) => String(call[0]))).join('').split('\n').filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.message === 'ingest: event rejected')).toEqual([expect.objectContaining({
      level: 'WARN', source: 'web', index: 0, reason: expect.stringContaining('userId'),
      snippet: '{"type":"track","event":"No user","writeKey":"[REDACTED]"}',
    })]);
    expect(lines.filter((l) => l._aws !== undefined)).toEqual([expect.objectContaining({ RejectedEvents: 1 })]);
    for (const spy of quiet) spy.mockClear();

    const garbage = await invoke({ path: '/v1/track', headers: { authorization: basicAuth('wk_web'), ...json }, body: '{"type": "track",' });
    expect(garbage.statusCode).toBe(400);
    expect(quiet.flatMap((spy) => spy.mock.calls.map((call) => String(call[0]))).join('')).not.toContain('ingest: event rejected');
    expect(await drainBodies(sqs.client, orders)).toEqual([]);
    expect(await drainBodies(sqs.client, tracks)).toEqual([]);
  });

  it('answers 503 when a subscribed queue cannot take the events (the client retries; dedupe makes that safe)', async () => {
    const closed = `http://sqs.us-east-1.localhost:${await closedPort()}/000000000000/tracks`;
    const handler = ingest.createIngestHandler({ ...process.env, DESTFN_FUNCTIONS: functionsEnv({ tracks: closed }) });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // the SDK notes the queue URL's other host

    const res = await invoke({ path: '/v1/track', headers: { authorization: basicAuth('wk_web'), ...json }, body: JSON.stringify(track('Order Completed')) }, handler);
    warn.mockRestore();
    expect(res.statusCode).toBe(503);
    expect(bodyOf(res)).toMatchObject({ success: false, error: expect.stringContaining('retry') });
  });

  it('answers 503 when the source credentials cannot be read', async () => {
    secrets.reset();
    secrets.on(GetSecretValueCommand).rejects(new Error('Secrets Manager is unavailable'));
    const handler = ingest.createIngestHandler({ ...process.env, DESTFN_SOURCE_SECRETS: JSON.stringify({ web: `${WEB_ARN}-other` }) });
    const res = await invoke({ path: '/v1/track', headers: { authorization: basicAuth('wk_web'), ...json }, body: JSON.stringify(track('Order Completed')) }, handler);
    expect(res.statusCode).toBe(503);
  });

  it('reads source secrets from Secrets Manager once per cache period, not per request', async () => {
    const arn = `${WEB_ARN}-cached`;
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ writeKey: 'wk_cached' }) });
    const handler = ingest.createIngestHandler({ ...process.env, DESTFN_SOURCE_SECRETS: JSON.stringify({ web: arn }) });
    for (let i = 0; i < 3; i++) {
      const res = await invoke({ path: '/v1/track', headers: { authorization: basicAuth('wk_cached'), ...json }, body: JSON.stringify(track('Viewed')) }, handler);
      expect(res.statusCode).toBe(200);
    }
    expect(secrets.commandCalls(GetSecretValueCommand, { SecretId: arn })).toHaveLength(1);
  });
});

async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
