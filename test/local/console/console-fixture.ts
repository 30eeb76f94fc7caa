/**
 * The console tests' project: real engine on 127.0.0.1, a real HTTP sink, and functions with a secret setting:
 * `hooks` (script style, POSTs each event to settings.url with the secret as a bearer token, logs, throws on
 * properties.boom at a known line), `typed` (TypeScript module style, throws at a known line).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../runtime/local/engine';
import { testEngine } from '../helpers/engine';
import { tempProject, writeFunction, type TempProject } from '../helpers/functions';
import { startSink, type Sink } from '../helpers/sink';

export const SECRET = 'sk_live_console_Secret_0123456789';

/** Line 6 of index.js throws when properties.boom is set. */
export const HOOKS_CODE = `// hooks: posts the event
async function onTrack(event, settings) {
  console.log('sending with key ' + settings.apiKey);
  const res = await fetch(settings.url, { method: 'POST', headers: { authorization: 'Bearer ' + settings.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(event) });
  if (event.properties && event.properties.boom) {
    throw new TypeError('boom at line 6 with ' + settings.apiKey);
  }
  if (res.status >= 500) throw new RetryError('sink ' + res.status);
  return { status: res.status, body: await res.json() };
}
async function onIdentify(event, settings) { return onTrack(event, settings); }
`;

/** Line 6 throws for a total over 100; line 12 calls it. */
export const TYPED_CODE = `import { defineFunction } from 'destfn';

interface Order { total: number }

function check(order: Order): number {
  if (order.total > 100) throw new RangeError('total too large: ' + order.total);
  return order.total;
}

export default defineFunction({
  async onTrack(event) {
    return { total: check(event.properties as unknown as Order) };
  },
});
`;

export interface ConsoleFixture { project: TempProject; sink: Sink; engine: Engine }

export function writeConsoleFunctions(project: TempProject, sinkUrl: string): void {
  writeFunction(project.functionsDir, 'hooks', {
    code: HOOKS_CODE,
    config: {
      settings: { url: { type: 'string', required: true }, apiKey: { type: 'string', secret: true, required: true } },
      retry: { attempts: 2, windowHours: 1 },
      drop: ['context.ip'],
    },
    settings: { url: `${sinkUrl}/hook` },
  });
  writeFileSync(join(project.functionsDir, 'hooks', 'settings.local.json'), JSON.stringify({ apiKey: SECRET }));
  const typed = join(project.functionsDir, 'typed');
  mkdirSync(typed);
  writeFileSync(join(typed, 'index.ts'), TYPED_CODE);
}

/** Started before the file's tests, stopped after. */
export function consoleEngine(): ConsoleFixture {
  const fx = {} as ConsoleFixture;
  beforeAll(async () => {
    fx.project = tempProject('destfn-console-');
    fx.sink = await startSink();
    writeConsoleFunctions(fx.project, fx.sink.url);
    fx.engine = await testEngine(fx.project);
  });
  afterAll(async () => {
    await fx.engine?.stop();
    await fx.sink?.close();
    fx.project?.cleanup();
  });
  return fx;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
export interface ApiAnswer { status: number; json: any; text: string; headers: Headers }

/** A request to the engine's console with Node's fetch (from 127.0.0.1); POSTs carry the token unless `token: null`. */
export async function api(engine: Engine, path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  const token = init.token === undefined ? engine.token : init.token;
  if (token !== null) headers['x-destfn-token'] = token;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${engine.url}${path}`, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: 'manual',
  });
  const text = await res.text();
  let json: unknown = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}
