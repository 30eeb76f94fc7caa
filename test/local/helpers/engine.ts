/** Starting engines and talking to them in tests. */
import { startEngine, type Engine, type EngineOptions } from '../../../runtime/local/engine';
import { copyWebhook, tempProject, type TempProject } from './functions';
import { startSink, type Sink } from './sink';

export async function testEngine(project: TempProject, options: Partial<EngineOptions> = {}): Promise<Engine> {
  return startEngine({
    functionsDir: project.functionsDir,
    dataDir: project.dataDir,
    rootDir: project.root,
    port: 0,
    quiet: true,
    retryScale: 0.0001,
    ...options,
  });
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

export async function postJson(url: string, body: unknown, writeKey: string | null, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(writeKey !== null ? { authorization: basicAuth(writeKey) } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json };
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 25): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function track(messageId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'track', messageId, userId: 'user-1', event: 'Order Completed', properties: { total: 42 }, ...extra };
}

/** Rows in the queue tables and records (for "nothing queued" checks). */
export function storedCounts(engine: Engine): { messages: number; dlq: number; deliveries: number } {
  const depths = Object.values(engine.queue.depths());
  return {
    messages: depths.reduce((n, d) => n + d.queued, 0),
    dlq: depths.reduce((n, d) => n + d.dlq, 0),
    deliveries: engine.functions().reduce((n, fn) => n + engine.records.deliveries(fn, { limit: 1_000_000 }).length, 0),
  };
}

/**
 * A test file's engine with one copy of the webhook example, `fnName`, delivering to a fresh sink at /hook:
 * started before the file's tests, stopped after them.
 */
export function webhookEngine(fnName: string): { readonly project: TempProject; readonly sink: Sink; readonly engine: Engine } {
  const fixture = {} as { project: TempProject; sink: Sink; engine: Engine };
  beforeAll(async () => {
    fixture.project = tempProject();
    fixture.sink = await startSink();
    copyWebhook(fixture.project.functionsDir, fnName, `${fixture.sink.url}/hook`);
    fixture.engine = await testEngine(fixture.project);
  });
  afterAll(async () => {
    await fixture.engine?.stop();
    await fixture.sink?.close();
    fixture.project?.cleanup();
  });
  return fixture;
}
