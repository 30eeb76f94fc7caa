/**
 * The event's light abort signal (runtime/invocation/fetch-abort-signal.ts) does for node-fetch 2 what Node's
 * AbortSignal does: node-fetch takes it, an abort ends an in-flight request and refuses a later one, each request's
 * listener is removed when it completes, and a listener that throws neither stops the others nor is swallowed.
 * Tested side by side with Node's AbortController on the same requests to a local server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodeFetch from 'node-fetch';
import { FetchAbortSignal } from '../../runtime/invocation/fetch-abort-signal';

let server: http.Server;
let url = '';
const agent = new http.Agent({ keepAlive: true });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

type Signal = { aborted: boolean; reason: unknown };
const kinds: Array<[string, () => { signal: Signal; abort(reason: unknown): void }]> = [
  ['Node\'s AbortController', () => { const c = new AbortController(); return { signal: c.signal, abort: (r) => c.abort(r) }; }],
  ['FetchAbortSignal', () => { const s = new FetchAbortSignal(); return { signal: s, abort: (r) => s.abort(r) }; }],
];

const get = (path: string, signal: Signal) => nodeFetch(`${url}${path}`, { agent, signal: signal as never }).then((r) => r.text());
const settled = (p: Promise<unknown>) => p.then((value) => ({ value }), (err: Error) => ({ error: err.name, message: err.message }));

test.each(kinds)('%s: requests complete, an abort ends the one in flight, and a later request is refused at once', async (_kind, make) => {
  const { signal, abort } = make();
  expect(await get('/a', signal)).toBe('ok');
  expect(await get('/b', signal)).toBe('ok');
  const hanging = settled(get('/hang', signal));
  await new Promise((resolve) => setTimeout(resolve, 50));
  abort(new Error('timed out'));
  expect(await hanging).toEqual({ error: 'AbortError', message: 'The user aborted a request.' });
  expect(signal).toMatchObject({ aborted: true, reason: new Error('timed out') });
  expect(await settled(get('/c', signal))).toEqual({ error: 'AbortError', message: 'The user aborted a request.' });
});

test('a completed request leaves no listener behind; abort happens once', () => {
  const signal = new FetchAbortSignal();
  return Promise.all(Array.from({ length: 20 }, () => get('/x', signal))).then(() => {
    expect((signal as unknown as { listeners: unknown[] }).listeners).toHaveLength(0);
    const calls: string[] = [];
    signal.addEventListener('abort', () => calls.push('first'));
    const removed = () => calls.push('removed');
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.addEventListener('other', () => calls.push('other'));
    signal.abort('r1');
    signal.abort('r2');
    signal.addEventListener('abort', () => calls.push('after'));
    expect(calls).toEqual(['first']);
    expect(signal.reason).toBe('r1');
  });
});

test('a listener that throws: the others still run and the error is thrown on its own, as EventTarget does', () => {
  const ticks: Array<() => void> = [];
  const nextTick = jest.spyOn(process, 'nextTick').mockImplementation(((fn: () => void) => { ticks.push(fn); }) as typeof process.nextTick);
  try {
    const signal = new FetchAbortSignal();
    const calls: string[] = [];
    signal.addEventListener('abort', () => { throw new Error('boom'); });
    signal.addEventListener('abort', () => calls.push('second'));
    signal.abort('why');
    expect(calls).toEqual(['second']);
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toThrow('boom');
  } finally {
    nextTick.mockRestore();
  }
});

test('node-fetch 2 takes it as a signal by its name', () => {
  expect(FetchAbortSignal.name).toBe('AbortSignal');
  expect(Object.getPrototypeOf(new FetchAbortSignal()).constructor.name).toBe('AbortSignal');
});
