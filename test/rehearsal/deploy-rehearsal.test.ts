/**
 * The deploy rehearsal: `cdk synth` of a user's project, "deployed" onto local servers with IAM enforced
 * (test/rehearsal/aws-plane), each Lambda run from its synthesized assets as the Node.js 22 runtime lays
 * them out, API Gateway and the SQS event source mappings played from the template. Every AWS call the
 * Lambdas, the event source mappings and the `destfn … --aws` commands make is checked against the role or
 * policy the template gives them; the run ends by asserting there was no AccessDenied.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Analytics } from '@segment/analytics-node';
import { isPageItem, recordFromItem } from '../../runtime/aws/delivery-item';
import { functionStackLogicalId } from '../../runtime/aws/contract';
import { decodeMessage } from '../../runtime/aws/sqs-message';
import { startHttpSink, type HttpSink, type SinkRequest } from '../aws/support/http-sink';
import { startAwsPlane, type AwsPlane } from './aws-plane';
import { deployStack, type DeployedStack } from './deploy';
import { sourceWriteKeys } from './deploy/source-keys';
import { writeProject } from './project';
import { destfnCli, policyPeople, type CliResult, type Credentials } from './operator-cli';
import { synthesize, type CloudAssembly } from './synth';


let workDir: string;
let projectDir: string;
let sink: HttpSink;
let plane: AwsPlane;
let assembly: CloudAssembly;
let stack: DeployedStack;
let writeKeys: Record<string, string>;
const timings: Record<string, number> = {};

beforeAll(async () => {
  const started = Date.now();
  workDir = mkdtempSync(join(tmpdir(), 'destfn-rehearsal-'));
  projectDir = join(workDir, 'project');
  sink = await startHttpSink();
  writeProject(projectDir, sink.url);
  [assembly, plane] = await Promise.all([
    synthesize(projectDir, join(workDir, 'cdk.out'), { allowLoopbackSettings: 'true' }),
    startAwsPlane(),
  ]);
  timings.synthAndStartMs = Date.now() - started;
  stack = await deployStack(assembly, plane, join(workDir, 'lambda'));
  timings.deployMs = Date.now() - started - timings.synthAndStartMs;
  writeKeys = await sourceWriteKeys(plane, stack, ['Web', 'Hooks']);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await plane?.stop();
  await sink?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  process.stdout.write(`deploy rehearsal timings: ${JSON.stringify(timings)}\n${callsMade()}`);
});

/** Every distinct AWS call allowed during the run, by principal: what each role really needs. */
function callsMade(): string {
  if (!plane) return '';
  const byPrincipal = new Map<string, Set<string>>();
  for (const d of plane.decisions) {
    if (!d.allowed) continue;
    const calls = byPrincipal.get(d.principal) ?? new Set<string>();
    const resource = d.resource.replace(/^arn:aws:[a-z]+:[a-z0-9-]*:\d*:/, '').replace(/:log-stream:.*$/, ':log-stream:*');
    calls.add(`${d.operation === 'authorize' ? 'Lambda service' : d.operation} → ${d.action} on ${resource}`);
    byPrincipal.set(d.principal, calls);
  }
  return [...byPrincipal].map(([who, calls]) => `${who}:\n${[...calls].sort().map((c) => `  ${c}`).join('\n')}`).join('\n') + '\n';
}

async function secretString(arn: string): Promise<string> {
  return (await plane.admin.secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!;
}

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, stack.api.url), { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', ...headers } });
}

function basic(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

function delivered(fn: string, messageId?: string): SinkRequest[] {
  return sink.requests.filter((r) => r.headers['x-function'] === fn
    && (messageId === undefined || (JSON.parse(r.body) as { messageId?: string }).messageId === messageId));
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      // The usual reason on AWS: a call the role does not allow. Name it.
      const denied = plane.denials().map((d) => `\n  AccessDenied: ${d.principal} may not ${d.action} on ${d.resource}`).join('');
      throw new Error(`timed out waiting for ${what}${denied}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function records(fn: string): Promise<Array<Record<string, unknown>>> {
  const out = await plane.admin.dynamodb.send(new ScanCommand({ TableName: stack.outputs.TableName }));
  return (out.Items ?? []).map((item) => unmarshall(item)).filter((item) => !isPageItem(item))
    .map((item): Record<string, unknown> => ({ pk: item.pk, ...recordFromItem(item) })).filter((r) => r.function === fn);
}

async function queueDepth(url: string): Promise<number> {
  const out = await plane.admin.sqs.send(new GetQueueAttributesCommand({
    QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }));
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** `npx destfn <args>` as a user runs it, with one principal's credentials, against the plane. */
const destfn = (args: string[], credentials: Credentials): Promise<CliResult> => destfnCli(args, credentials, { plane, projectDir, home: workDir });

let people: ReturnType<typeof policyPeople> | undefined;
/** Credentials of a person whose only permissions are one of the stack's managed policies (Operators, Deployers). */
const person = (policy: 'Operators' | 'Deployers'): Credentials => (people ??= policyPeople(assembly, stack, 'destfn'))(policy);
const operator = () => person('Operators');
const deployer = () => person('Deployers');

/** The outputs of a function's nested stack (QueueUrl, DlqUrl…). */
function functionOutputs(fn: string): Record<string, string> {
  const template = stack.templates.find((t) => t.nestedId === functionStackLogicalId(fn));
  if (!template) throw new Error(`no nested stack for function ${fn}`);
  return template.values.outputs();
}

/** The status, with the body in the failure message. */
async function statusOf(response: Promise<Response>): Promise<string> {
  const r = await response;
  return `${r.status} ${await r.text()}`;
}

test('the synthesized Lambdas are laid out as Lambda runs them: no module outside the assets and the runtime SDK', () => {
  expect(stack.templates.map((t) => t.nestedId)).toEqual([null, 'FunctionBigOrders', 'FunctionFlaky', 'FunctionRelay']);
  expect(stack.lambdas.size).toBe(4); // ingest + three functions, each in its nested stack
  for (const fn of stack.lambdas.values()) {
    expect(fn.spec.environment.NODE_PATH).toBeUndefined();
    expect(fn.spec.fs.nodePath.split(':')).toHaveLength(5);
  }
});

describe('ingest → queues → function Lambdas → destination, with IAM enforced', () => {
  test('single events on every /v1 route, authenticated by write key, reach the subscribed functions only', async () => {
    const web = basic(writeKeys.web);
    const sends = [
      post('/v1/track', JSON.stringify({ userId: 'u1', event: 'Order Completed', properties: { total: 99 }, messageId: 'rh-track-big' }), { authorization: web }),
      post('/v1/track', JSON.stringify({ userId: 'u1', event: 'Order Completed', properties: { total: 5 }, messageId: 'rh-track-small' }), { authorization: web }),
      post('/v1/identify', JSON.stringify({ userId: 'u1', traits: { plan: 'pro' }, messageId: 'rh-identify' }), { authorization: web }),
      post('/v1/page', JSON.stringify({ userId: 'u1', name: 'Home', messageId: 'rh-page' }), { authorization: web }),
      post('/v1/screen', JSON.stringify({ userId: 'u1', name: 'Home', messageId: 'rh-screen' }), { authorization: web }),
      post('/v1/group', JSON.stringify({ userId: 'u1', groupId: 'g1', messageId: 'rh-group' }), { authorization: web }),
      post('/v1/alias', JSON.stringify({ userId: 'u1', previousId: 'anon-1', messageId: 'rh-alias' }), { authorization: web }),
    ];
    for (const response of await Promise.all(sends)) expect(`${response.status} ${await response.text()}`).toMatch(/^200 /);
    const ids = ['rh-track-big', 'rh-track-small', 'rh-identify', 'rh-page', 'rh-screen', 'rh-group', 'rh-alias'];
    await waitFor('relay deliveries', () => ids.every((id) => delivered('relay', id).length === 1));
    await waitFor('big-orders delivery', () => delivered('big-orders', 'rh-track-big').length === 1);
    expect(delivered('big-orders', 'rh-track-small')).toHaveLength(0);
    expect(delivered('big-orders', 'rh-identify')).toHaveLength(0);
    expect(delivered('flaky')).toHaveLength(0); // source "hooks" only
    const big = JSON.parse(delivered('big-orders', 'rh-track-big')[0].body) as Record<string, unknown>;
    expect(big).toMatchObject({ type: 'track', event: 'Order Completed', properties: { total: 99 } });
  }, 60_000);

  test('a bad write key is refused; an unknown route gets API Gateway\'s 404', async () => {
    expect(await statusOf(post('/v1/track', JSON.stringify({ userId: 'u1', event: 'x' }), { authorization: basic('nope') }))).toMatch(/^401 /);
    const missing = await post('/v2/track', '{}');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Not Found' });
  });

  test('batch, import and a gzip body (base64 through API Gateway) are delivered; a repeated messageId once', async () => {
    const batch = { batch: [
      { type: 'track', userId: 'u2', event: 'Signed Up', messageId: 'rh-batch-1' },
      { type: 'identify', userId: 'u2', traits: { name: 'Ann' }, messageId: 'rh-batch-2' },
      { type: 'track', userId: 'u2', event: 'Signed Up', messageId: 'rh-batch-1' }, // the same event sent twice
    ] };
    expect(await statusOf(post('/v1/batch', JSON.stringify(batch), { authorization: basic(writeKeys.web) }))).toMatch(/^200 /);
    expect(await statusOf(post('/v1/import', JSON.stringify({ batch: [{ type: 'page', userId: 'u2', name: 'Docs', messageId: 'rh-import' }] }),
      { authorization: basic(writeKeys.web) }))).toMatch(/^200 /);
    const gz = gzipSync(JSON.stringify({ userId: 'u3', event: 'Zipped', properties: { total: 60 }, messageId: 'rh-gzip' }));
    expect(await statusOf(post('/v1/track', gz, { authorization: basic(writeKeys.web), 'content-encoding': 'gzip' }))).toMatch(/^200 /);
    await waitFor('batch, import and gzip deliveries', () => ['rh-batch-1', 'rh-batch-2', 'rh-import', 'rh-gzip'].every((id) => delivered('relay', id).length >= 1));
    await waitFor('gzip to big-orders', () => delivered('big-orders', 'rh-gzip').length === 1);
    // Give a second copy time to arrive if dedupe failed.
    await new Promise((r) => setTimeout(r, 1500));
    expect(delivered('relay', 'rh-batch-1')).toHaveLength(1);
  }, 60_000);

  test('the real analytics-node client pointed at the API URL', async () => {
    const analytics = new Analytics({ writeKey: writeKeys.web, host: stack.api.url.replace(/\/$/, ''), flushAt: 3, maxRetries: 1 });
    const errors: unknown[] = [];
    analytics.on('error', (err) => errors.push(err));
    analytics.track({ userId: 'u4', event: 'Client Sent', properties: { total: 70 }, messageId: 'rh-node-1' });
    analytics.identify({ userId: 'u4', traits: { plan: 'team' }, messageId: 'rh-node-2' });
    analytics.page({ userId: 'u4', name: 'Pricing', messageId: 'rh-node-3' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await waitFor('analytics-node deliveries', () => ['rh-node-1', 'rh-node-2', 'rh-node-3'].every((id) => delivered('relay', id).length === 1));
    await waitFor('analytics-node track to big-orders', () => delivered('big-orders', 'rh-node-1').length === 1);
  }, 60_000);

  test('analytics.js (browser) through API Gateway: settings by GET, a short path with text/plain and the write key in the body, /v1/m, CORS for X-Retry-Count', async () => {
    const api = new URL(stack.api.url);
    const settings = await fetch(new URL(`/v1/projects/${writeKeys.web}/settings`, api));
    expect(settings.status).toBe(200);
    expect(await settings.json()).toMatchObject({ integrations: { 'Segment.io': { apiKey: writeKeys.web, apiHost: `${api.host}/v1`, protocol: 'https' } } });
    expect((await fetch(new URL('/v1/projects/wk_unknown/settings', api))).status).toBe(404);
    const preflight = await fetch(new URL('/v1/t', api), { method: 'OPTIONS', headers: {
      origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-retry-count',
    } });
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/x-retry-count/);
    const event = { type: 'track', userId: 'u4', event: 'Browser Sent', properties: { total: 71 }, messageId: 'rh-ajs-t', writeKey: writeKeys.web };
    expect(await statusOf(post('/v1/t', JSON.stringify(event), { 'content-type': 'text/plain', 'x-retry-count': '1' }))).toMatch(/^200 /);
    expect(await statusOf(post('/v1/m', JSON.stringify({ series: [] }), { 'content-type': 'text/plain' }))).toMatch(/^200 /);
    await waitFor('analytics.js delivery', () => delivered('relay', 'rh-ajs-t').length === 1);
    expect(JSON.parse(delivered('relay', 'rh-ajs-t')[0].body)).not.toHaveProperty('writeKey');
  }, 60_000);

  test('a delivery record per event, written with the function role', async () => {
    await waitFor('records', async () => (await records('relay')).filter((r) => r.status === 'delivered').length >= 15);
    const relay = await records('relay');
    expect(new Set(relay.map((r) => r.messageId))).toEqual(new Set([
      'rh-track-big', 'rh-track-small', 'rh-identify', 'rh-page', 'rh-screen', 'rh-group', 'rh-alias',
      'rh-batch-1', 'rh-batch-2', 'rh-import', 'rh-gzip', 'rh-node-1', 'rh-node-2', 'rh-node-3', 'rh-ajs-t',
    ]));
    expect(relay.every((r) => r.status === 'delivered' && r.pk === `relay#${String(r.messageId)}`)).toBe(true);
  }, 30_000);
});

describe('secrets as deployed', () => {
  test('`destfn secrets set --aws` with the Deployers policy; the function signs with the new secret', async () => {
    const set = await destfn(['secrets', 'set', 'relay', 'sharedSecret=rehearsal-signing-key', '--aws'], deployer());
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    // The Lambda caches secrets for 5 minutes: a new environment (as after a deploy) reads the new value.
    await stack.lambdas.get([...stack.lambdas.keys()].find((k) => k.startsWith('FunctionRelay'))!)!.stop();
    expect(await statusOf(post('/v1/track', JSON.stringify({ userId: 'u5', event: 'Signed', messageId: 'rh-signed' }), { authorization: basic(writeKeys.web) }))).toMatch(/^200 /);
    const [request] = await waitFor('signed delivery', () => { const d = delivered('relay', 'rh-signed'); return d.length > 0 && d; });
    expect(request.headers['x-signature']).toBe(createHmac('sha1', 'rehearsal-signing-key').update(request.body).digest('hex'));
  }, 60_000);

  test('the Operators policy may not change secrets: AccessDenied, said clearly', async () => {
    const denied = await destfn(['secrets', 'set', 'relay', 'sharedSecret=x', '--aws'], operator());
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/not authorized to perform: secretsmanager:(GetSecretValue|PutSecretValue)/);
    plane.forgetDenials((d) => d.principal === 'destfn-operators' && d.action.startsWith('secretsmanager:'));
  }, 30_000);
});

describe('webhooks, retries and the dead-letter queue', () => {
  test('/webhook/<source>: the write key without a shared secret; with one, unsigned is refused and signed accepted', async () => {
    const first = JSON.stringify({ type: 'track', userId: 'u6', event: 'Hooked', messageId: 'rh-hook-1' });
    expect(await statusOf(post('/webhook/hooks', first))).toMatch(/^401 .*write key/);
    expect(await statusOf(post('/webhook/hooks', first, { authorization: basic(writeKeys.hooks) }))).toMatch(/^200 /);
    const arn = stack.outputs.HooksSourceSecretArn;
    const current = JSON.parse(await secretString(arn)) as Record<string, string>;
    await plane.admin.secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ ...current, sharedSecret: 'hook-secret' }) }));
    const ingestId = [...stack.lambdas.keys()].find((k) => k.startsWith('Ingest'))!;
    await stack.lambdas.get(ingestId)!.stop(); // a fresh environment reads the secret again
    const body = JSON.stringify({ type: 'track', userId: 'u6', event: 'Hooked', messageId: 'rh-hook-2' });
    expect(await statusOf(post('/webhook/hooks', body))).toMatch(/^401 /);
    const signature = createHmac('sha1', 'hook-secret').update(body).digest('hex');
    expect(await statusOf(post('/webhook/hooks', body, { 'x-signature': signature }))).toMatch(/^200 /);
  }, 30_000);

  test('a retryable failure comes back after the policy\'s delay, then lands in the DLQ; `destfn replay --aws` moves it back', async () => {
    await waitFor('three attempts of rh-hook-1', () => delivered('flaky', 'rh-hook-1').length === 3, 40_000);
    const attempts = delivered('flaky', 'rh-hook-1');
    expect(attempts).toHaveLength(3);
    // The policy's delays for 3 attempts over 0.001 h: 1.2 s then 2.4 s (±10 %), as whole-second visibility timeouts.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(900);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(1900);
    const flakyRecords = await waitFor('failed record', async () => {
      const found = (await records('flaky')).find((r) => r.messageId === 'rh-hook-1');
      return found?.status === 'failed' && found;
    }, 20_000);
    expect(flakyRecords).toMatchObject({ status: 'failed', attempts: 3 });
    // The relay got the same webhook events (it subscribes to every source).
    expect(delivered('relay', 'rh-hook-1')).toHaveLength(1);
    await waitFor('rh-hook-1 and rh-hook-2 in the DLQ', async () => (await queueDepth(functionOutputs('flaky').DlqUrl)) === 2, 30_000);
    const failed = await destfn(['deliveries', 'flaky', '--aws', '--status', 'failed', '--json'], operator());
    expect(failed.stderr).toBe('');
    expect((JSON.parse(failed.stdout) as Array<{ messageId: string }>).map((r) => r.messageId).sort()).toEqual(['rh-hook-1', 'rh-hook-2']);

    const replay = await destfn(['replay', 'flaky', '--aws'], operator());
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(/moving about 2 message\(s\) from the DLQ of "flaky"/);
    await waitFor('the DLQ drained by the move task', async () => (await queueDepth(functionOutputs('flaky').DlqUrl)) === 0 || undefined, 10_000);
    await waitFor('a fourth attempt after the replay', () => delivered('flaky', 'rh-hook-1').length === 4, 20_000);
  }, 90_000);
});

describe('several events per SQS message', () => {
  test('an analytics-node batch travels as one message; each event is delivered on its own, the failing one retried alone, its message in the DLQ whole, and a replay delivers only it', async () => {
    const analytics = new Analytics({ writeKey: writeKeys.web, host: stack.api.url.replace(/\/$/, ''), flushAt: 4, maxRetries: 1 });
    const ids = ['rh-pack-1', 'rh-pack-2', 'rh-pack-fail', 'rh-pack-4'];
    for (const id of ids) analytics.track({ userId: 'u7', event: 'Packed', properties: { total: 80, fail: id === 'rh-pack-fail' }, messageId: id });
    await analytics.closeAndFlush({ timeout: 10_000 });
    const siblings = ids.filter((id) => id !== 'rh-pack-fail');

    await waitFor('three attempts of rh-pack-fail', () => delivered('big-orders', 'rh-pack-fail').length === 3, 40_000);
    await waitFor('its failed record', async () => (await records('big-orders')).find((r) => r.messageId === 'rh-pack-fail')?.status === 'failed', 20_000);
    for (const id of siblings) expect(delivered('big-orders', id)).toHaveLength(1);
    expect(ids.every((id) => delivered('relay', id).length === 1)).toBe(true);
    // One message for the four events: the DLQ holds one message, the records one failed event.
    const dlq = functionOutputs('big-orders').DlqUrl;
    await waitFor('the message in the DLQ', async () => (await queueDepth(dlq)) === 1, 30_000);
    const [peek] = (await plane.admin.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq }))).Messages ?? [];
    expect(decodeMessage(peek.Body!)?.events.map((e) => e?.messageId)).toEqual(ids);
    await plane.admin.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: dlq, ReceiptHandle: peek.ReceiptHandle, VisibilityTimeout: 0 }));
    const failed = await destfn(['deliveries', 'big-orders', '--aws', '--status', 'failed', '--json'], operator());
    expect((JSON.parse(failed.stdout) as Array<{ messageId: string }>).map((r) => r.messageId)).toEqual(['rh-pack-fail']);

    const replay = await destfn(['replay', 'big-orders', '--aws'], operator());
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(/moving about 1 message\(s\) from the DLQ of "big-orders"/);
    await waitFor('a fourth attempt after the replay', () => delivered('big-orders', 'rh-pack-fail').length === 4, 20_000);
    await waitFor('the replayed message back in the DLQ', async () => (await queueDepth(dlq)) === 1, 30_000);
    for (const id of siblings) expect(delivered('big-orders', id)).toHaveLength(1); // skipped by their pack id
  }, 120_000);
});

describe('operating with the Operators policy', () => {
  test('`destfn deliveries --aws` lists the function\'s records: history page keys from pagesByFunction, then the pages', async () => {
    const before = plane.decisions.length;
    const out = await destfn(['deliveries', 'relay', '--aws', '--json', '--limit', '100'], operator());
    expect(out.stderr).toBe('');
    const listed = JSON.parse(out.stdout) as Array<{ messageId: string; status: string }>;
    expect(listed.map((r) => r.messageId)).toEqual(expect.arrayContaining(['rh-track-big', 'rh-signed', 'rh-node-3']));
    const table = `arn:aws:dynamodb:${plane.region}:${plane.accountId}:table/${stack.outputs.TableName}`;
    const allowed = plane.decisions.slice(before).filter((d) => d.principal === 'destfn-operators' && d.allowed).map((d) => `${d.action} ${d.resource}`);
    expect(allowed).toEqual(expect.arrayContaining([`dynamodb:Query ${table}/index/pagesByFunction`, `dynamodb:BatchGetItem ${table}`]));
  }, 30_000);

  test('`destfn logs --aws` reads the handler output from the function\'s log group', async () => {
    const out = await destfn(['logs', 'big-orders', '--aws'], operator());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('big order rh-track-big: 99');
    expect(out.stdout).toContain('big order rh-node-1: 70');
    expect(stack.logDenials).toEqual([]);
  }, 30_000);

  test('`destfn status|pause|resume --aws`: each instance\'s limit and breaker from its log lines; paused, an event waits in the queue unreceived; resumed, it is delivered on its first attempt', async () => {
    const before = await destfn(['status', 'relay', '--aws'], operator());
    expect(before).toMatchObject({ code: 0, stderr: '' });
    expect(before.stdout).toMatch(/^relay: event source enabled; batch \d+, at most \d+ concurrent invocations\n/);
    // The limiter's own EMF lines, written by the relay Lambda's instances to its log group, read back with the Operators policy.
    expect(before.stdout).toMatch(/\n {2}\d+ instance\(s\) reported in the last 5 min, concurrency limit \d+(?:, \d+)*, latency (?:[\d.]+ ms|-)(?:, (?:[\d.]+ ms|-))* \(newest first/);
    expect(before.stdout).toContain('\n  circuit breaker: not paused in any of them\n');

    expect(await destfn(['pause', 'relay', '--aws'], operator())).toMatchObject({ code: 0, stdout: expect.stringContaining('the event source of "relay" is disabling') });
    expect((await destfn(['status', 'relay', '--aws'], operator())).stdout).toMatch(/^relay: PAUSED \(event source disabled by `destfn pause --aws`\)/);
    await waitFor('the paused mapping\'s last receives done', () => stack.eventSources.every((s) => s.enabled || s.receiving === 0));
    const web = basic(writeKeys.web);
    expect(await statusOf(post('/v1/identify', JSON.stringify({ userId: 'u9', traits: {}, messageId: 'rh-paused' }), { authorization: web }))).toMatch(/^200 /);
    const queue = functionOutputs('relay').QueueUrl;
    const waiting = async () => (await plane.admin.sqs.send(new GetQueueAttributesCommand({
      QueueUrl: queue, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }))).Attributes;
    await waitFor('the event in the paused queue', async () => (await waiting())?.ApproximateNumberOfMessages === '1');
    await new Promise((r) => setTimeout(r, 2000)); // an enabled mapping receives it within its 1 s wait
    expect(await waiting()).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(delivered('relay', 'rh-paused')).toHaveLength(0);
    expect((await destfn(['status', 'relay', '--aws'], operator())).stdout).toContain('\n  queue 1 waiting, 0 in flight (approximate); DLQ 0\n');

    expect(await destfn(['resume', 'relay', '--aws'], operator())).toMatchObject({ code: 0, stdout: expect.stringContaining('is enabling') });
    await waitFor('delivered after resume', () => delivered('relay', 'rh-paused').length === 1);
    await waitFor('its record', async () => (await records('relay')).find((r) => r.messageId === 'rh-paused' && r.status === 'delivered'));
    expect((await records('relay')).find((r) => r.messageId === 'rh-paused')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect((await destfn(['status', 'relay', '--aws'], operator())).stdout).toMatch(/^relay: event source enabled;/);
  }, 60_000);
});

test('no AWS call anywhere was denied, no Lambda failed to start or timed out, no batch failed as a whole', () => {
  plane.assertNoDenials();
  expect(stack.logDenials).toEqual([]);
  for (const fn of stack.lambdas.values()) expect(fn.failures).toEqual([]);
  for (const source of stack.eventSources) expect(source.failedInvocations).toEqual([]);
});
