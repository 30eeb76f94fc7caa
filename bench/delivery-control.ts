/**
 * Delivery control against real local destinations (issue 15 §4 scenarios), the engine in this process (the
 * scenarios are about behaviour at a few hundred events/s, not about engine CPU):
 *  (a) a destination answering 429 (Retry-After: 1 s, or as a date with BENCH_RETRY_AFTER=date) above N
 *      requests/s: delivered rate once settled, events retried, attempts per event, nothing lost;
 *  (b) a destination down (connection refused) for OUTAGE_S seconds then back: DLQ, attempts per event, time to
 *      drain after recovery; with the circuit breaker and, for comparison, without it;
 *  (c) a destination whose latency jumps from 2 ms to 200 ms: the concurrency limit and throughput per second.
 *     npx tsx bench/delivery-control.ts [a [N ...]|b|c ...]   (default: all, N = BENCH_RATE_N or 300; e.g. `a 40 80`
 *     runs (a) at N = 40 then 80; DESTFN_RETRY_SCALE defaults to 0.01 here)
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEngine, type Engine, type EngineOptions } from '../runtime/local/engine';
import { machineNote, note, sleep } from './support/report';

const REPO = resolve(__dirname, '..');
const RETRY_SCALE = Number(process.env.DESTFN_RETRY_SCALE) || 0.01;
const RATE_N = Number(process.env.BENCH_RATE_N) || 300;
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S) || 60;

interface Destination {
  url: string;
  /** Answer: status (+ headers), or 'drop' to destroy the socket; after `delayMs`. */
  decide(): { status: number; headers?: Record<string, string>; delayMs?: number };
  byStatus: Map<number, number>;
  /** 2xx answers per second (epoch second). */
  perSecond: Map<number, number>;
  /** Other answers per second. */
  refusedPerSecond: Map<number, number>;
  inFlight: number;
  peakInFlight: number;
  down: boolean;
  close(): Promise<void>;
}

async function destination(decide: Destination['decide']): Promise<Destination> {
  const d = { decide, byStatus: new Map(), perSecond: new Map(), refusedPerSecond: new Map(), inFlight: 0, peakInFlight: 0, down: false } as unknown as Destination;
  const server = http.createServer((req, res) => {
    if (d.down) { req.socket.destroy(); return; }
    d.inFlight++;
    d.peakInFlight = Math.max(d.peakInFlight, d.inFlight);
    req.resume();
    req.on('end', () => {
      const answer = d.decide();
      const send = () => {
        d.inFlight--;
        d.byStatus.set(answer.status, (d.byStatus.get(answer.status) ?? 0) + 1);
        const s = Math.floor(Date.now() / 1000);
        const counts = answer.status < 300 ? d.perSecond : d.refusedPerSecond;
        counts.set(s, (counts.get(s) ?? 0) + 1);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.status < 300 ? '{"ok":true}' : '{"error":"no"}');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs); else send();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  d.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  d.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return d;
}

async function engineFor(dest: Destination, config: Record<string, unknown>, options: Partial<EngineOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-dc-'));
  const fnDir = join(root, 'functions', 'hook');
  cpSync(join(REPO, 'functions', 'webhook'), fnDir, { recursive: true });
  writeFileSync(join(fnDir, 'settings.json'), JSON.stringify({ url: `${dest.url}/hook` }));
  const fnJson = JSON.parse(readFileSync(join(fnDir, 'function.json'), 'utf8')) as object;
  writeFileSync(join(fnDir, 'function.json'), JSON.stringify({ ...fnJson, deploy: false, ...config }));
  const engine = await startEngine({ functionsDir: join(root, 'functions'), dataDir: join(root, 'data'), rootDir: root, port: 0, quiet: true, watch: false, retryScale: RETRY_SCALE, ...options });
  return { engine, cleanup: async () => { await engine.stop(); rmSync(root, { recursive: true, force: true }); } };
}

let seq = 0;
async function send(engine: Engine, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, () => {
      const messageId = `${prefix}-${seq++}`;
      ids.push(messageId);
      return { type: 'track', event: 'Bench', userId: 'u', messageId, properties: { i } };
    });
    const res = await fetch(`${engine.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${engine.writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ batch }),
    });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
    await res.arrayBuffer();
  }
  return ids;
}

function attemptsOf(engine: Engine, ids: string[]) {
  const records = ids.map((id) => engine.records.get('hook', id));
  const delivered = records.filter((r) => r?.status === 'delivered').length;
  const attempts = records.map((r) => r?.attempts ?? 0);
  const dlq = engine.queue.dlq('hook').length;
  const meanAttempts = attempts.reduce((a, b) => a + b, 0) / attempts.length;
  return { delivered, retried: attempts.filter((a) => a > 1).length, maxAttempts: Math.max(...attempts), meanAttempts, dlq, lost: ids.length - delivered - dlq };
}

async function until(what: string, check: () => boolean, timeoutMs: number, progress?: () => string): Promise<number> {
  const start = Date.now();
  let nextProgress = start + 5000;
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}${progress ? ` (${progress()})` : ''}`);
    if (progress && process.env.BENCH_VERBOSE && Date.now() >= nextProgress) {
      nextProgress += 5000;
      process.stderr.write(`  ${Math.round((Date.now() - start) / 1000)} s: ${progress()}\n`);
    }
    await sleep(50);
  }
  return Date.now() - start;
}

async function scenarioA(N: number): Promise<void> {
  const retryAfter = process.env.BENCH_RETRY_AFTER === 'date' ? () => new Date(Date.now() + 1000).toUTCString() : () => '1';
  // At most N in any second (a token bucket holding one second's worth): a 1 s window limit, as vendors state them.
  const burst = Math.max(1, Number(process.env.BENCH_BURST) || N);
  let tokens = burst;
  let at = Date.now();
  const dest = await destination(() => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - at) / 1000) * N);
    at = now;
    if (tokens >= 1) { tokens -= 1; return { status: 200 }; }
    return { status: 429, headers: { 'retry-after': retryAfter() } };
  });
  const { engine, cleanup } = await engineFor(dest, { maxConcurrency: 200 });
  const total = N * (Number(process.env.BENCH_SECONDS) || 40);
  const start = Date.now();
  // BENCH_TRACE=S: the learnt ceiling and the answers so far every 250 ms of the first S seconds (how it settles).
  const trace: string[] = [];
  const traceMs = (Number(process.env.BENCH_TRACE) || 0) * 1000;
  const sampler = traceMs > 0 ? setInterval(() => {
    const s = engine.deliveryStatus('hook');
    if (Date.now() - start <= traceMs) trace.push(`${((Date.now() - start) / 1000).toFixed(2)} s: ceiling ${s?.learntRatePerSecond?.toFixed(0) ?? '-'}, limit ${s?.limit}, 2xx ${dest.byStatus.get(200) ?? 0}, 429 ${dest.byStatus.get(429) ?? 0}`);
  }, 250) : null;
  const ids = await send(engine, total, 'a');
  // Watched at the destination: reading every event's record each 50 ms would take the engine's CPU (same process).
  await until('all delivered', () => (dest.byStatus.get(200) ?? 0) >= total, 300_000,
    () => `${JSON.stringify(Object.fromEntries(dest.byStatus))} ${JSON.stringify(engine.deliveryStatus('hook'))}`);
  const secs = (Date.now() - start) / 1000;
  if (sampler) clearInterval(sampler);
  await until('all recorded', () => attemptsOf(engine, ids).delivered === total, 60_000);
  const { retried, maxAttempts, meanAttempts, dlq, lost } = attemptsOf(engine, ids);
  const perSec = [...dest.perSecond.entries()].sort((x, y) => x[0] - y[0]).map(([, n]) => n);
  const firstSecond = Math.min(...dest.perSecond.keys());
  const refusedEarly = [...dest.refusedPerSecond].filter(([second]) => second < firstSecond + 10).reduce((a, [, n]) => a + n, 0);
  const settled = perSec.slice(10, -2);
  const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
  note(`(a) destination takes ${N}/s (token bucket, burst ${burst}), 429 + Retry-After: ${retryAfter() === '1' ? '1' : 'a date 1 s ahead'} above; ${total} events sent at once, maxConcurrency 200`);
  note(`    delivered/s after the first 10 s: mean ${mean.toFixed(0)} (${((mean / N) * 100).toFixed(1)} % of N), min ${Math.min(...settled)}, max ${Math.max(...settled)} over ${settled.length} s`);
  note(`    all ${total} delivered in ${secs.toFixed(1)} s; 429 answers ${dest.byStatus.get(429) ?? 0} (${(((dest.byStatus.get(429) ?? 0) / total) * 100).toFixed(2)} % of events); of which ${refusedEarly} in the first 10 s; events retried ${retried} (${((retried / total) * 100).toFixed(2)} %); attempts per event mean ${meanAttempts.toFixed(3)}, max ${maxAttempts}; DLQ ${dlq}; lost ${lost}`);
  note(`    status at the end: ${JSON.stringify(engine.deliveryStatus('hook'))}`);
  for (let i = 0; i < trace.length; i += 4) note(`    ${trace.slice(i, i + 4).join(' | ')}`);
  await cleanup();
  await dest.close();
}

async function scenarioB(breaker: boolean): Promise<void> {
  const dest = await destination(() => ({ status: 200 }));
  const { engine, cleanup } = await engineFor(dest, { maxConcurrency: 200 }, breaker ? {} : { deliveryControl: { breaker: false } });
  const total = Number(process.env.BENCH_B_EVENTS) || 200;
  dest.down = true;
  const downAt = Date.now();
  const ids = await send(engine, total, breaker ? 'b' : 'nb');
  await sleep(OUTAGE_S * 1000 - (Date.now() - downAt));
  const pausedAtRecovery = engine.deliveryStatus('hook');
  dest.down = false;
  const drainMs = await until('drained', () => attemptsOf(engine, ids).delivered + engine.queue.dlq('hook').length === total, 600_000);
  const { delivered, maxAttempts, meanAttempts, dlq } = attemptsOf(engine, ids);
  note(`(b) ${breaker ? 'with the circuit breaker (default)' : 'WITHOUT the breaker (comparison)'}: ${total} events, destination refusing connections for ${OUTAGE_S} s (retry policy 10 attempts, DESTFN_RETRY_SCALE ${RETRY_SCALE})`);
  note(`    at recovery: paused=${pausedAtRecovery?.paused} (${pausedAtRecovery?.reason ?? '-'}); drained ${(drainMs / 1000).toFixed(1)} s after recovery`);
  note(`    delivered ${delivered}, DLQ ${dlq}; attempts per event: mean ${meanAttempts.toFixed(2)}, max ${maxAttempts}`);
  await cleanup();
  await dest.close();
}

async function scenarioC(): Promise<void> {
  let latency = 2;
  const dest = await destination(() => ({ status: 200, delayMs: latency }));
  const { engine, cleanup } = await engineFor(dest, { maxConcurrency: 200 });
  // Enough for 15 s at the 2 ms latency and 35 s at 200 ms (~4,500/s then ≤ 1,000/s on 2 cores): a drained queue
  // would show no throughput at all.
  const ids = await send(engine, Number(process.env.BENCH_C_EVENTS) || 150_000, 'c');
  const rows: string[] = [];
  const start = Date.now();
  let last = 0;
  for (let t = 1; t <= 50; t++) {
    if (t === 16) latency = 200;
    await sleep(start + t * 1000 - Date.now());
    const delivered = [...dest.perSecond.values()].reduce((a, b) => a + b, 0);
    const s = engine.deliveryStatus('hook');
    rows.push(`${t}s ${latency}ms: ${delivered - last}/s limit ${s?.limit} in-flight@dest ${dest.inFlight}`);
    last = delivered;
  }
  note(`(c) latency 2 ms for 15 s, then 200 ms; backlog of ${ids.length} events; maxConcurrency 200 (Little: 200 / 0.2 s = 1,000/s at most)`);
  for (let i = 0; i < rows.length; i += 5) note(`    ${rows.slice(i, i + 5).join(' | ')}`);
  await cleanup();
  await dest.close();
}

async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const run = (s: string) => which.length === 0 || which.includes(s);
  // Numbers right after `a` are its Ns.
  const ns: number[] = [];
  for (let i = which.indexOf('a') + 1; i > 0 && i < which.length && /^\d+$/.test(which[i]); i++) ns.push(Number(which[i]));
  machineNote();
  if (run('a')) for (const n of ns.length > 0 ? ns : [RATE_N]) { await scenarioA(n); machineNote(); }
  if (run('b')) { await scenarioB(true); machineNote(); await scenarioB(false); machineNote(); }
  if (run('c')) { await scenarioC(); machineNote(); }
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
