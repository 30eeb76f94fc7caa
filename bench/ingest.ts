/**
 * ingest: requests/s of single-event POST /v1/track on the local engine, measured with wrk, against a bare
 * node http server that reads the body and answers 200 (same wrk settings, both in their own process).
 *
 * The engine must also deliver what it ingests: it runs one function, a no-op script-style handler
 * (`async function onTrack() {}`), so every accepted event is committed, leased, run in a worker thread
 * and settled (delivery record written) during the measurement, but no outbound HTTP competes for the two
 * cores (e2e measures that). The engine has no "deliveries paused" option. Each request is answered only
 * after its event is committed to SQLite (the API's contract), so it is one transaction per request.
 * wrk: 1 thread, CONNECTIONS connections, DURATION s, after a 2 s warm-up run; the baseline is measured before
 * and after the engine (mean), since the machine's speed drifts.
 * Installs wrk from Debian (apt-get) when it is missing. Target: ≥ 0.5 × the baseline.
 *     npx tsx bench/ingest.ts [seconds] [connections]
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './support/child';
import { startEngineProcess } from './support/engine-process';
import { processCpuMs, processTreeCpuMs } from './support/proc-cpu';
import { machineNote, note, printFigures } from './support/report';

const DURATION = Math.max(3, Number(process.argv[2]) || 10);
const CONNECTIONS = Math.max(1, Number(process.argv[3]) || 16);
/** µs of busy work per request in the calibration run (see bare-server.ts). */
const CALIBRATION_US = 40;

function ensureWrk(): void {
  try {
    execSync('command -v wrk', { stdio: 'ignore' });
  } catch {
    note('wrk not found: installing it from Debian packages (apt-get install -y wrk)');
    execSync('apt-get update && apt-get install -y wrk', { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

function luaScript(file: string, authorization: string | null): void {
  // No messageId in the body: the engine assigns a new one per request (no dedupe between requests).
  const body = JSON.stringify({
    userId: 'user-42', event: 'Order Completed',
    properties: { orderId: 'A-1001', total: 82.5, currency: 'USD' },
    context: { library: { name: 'wrk', version: '4' } },
  });
  writeFileSync(file, [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
    authorization ? `wrk.headers["Authorization"] = ${JSON.stringify(authorization)}` : '',
    'local non2xx = 0',
    'response = function(status, headers, body) if status ~= 200 then non2xx = non2xx + 1 end end',
    'done = function(summary, latency, requests) io.write(string.format("WRK_JSON {\\"requests\\":%d,\\"seconds\\":%f,\\"p50us\\":%d,\\"p99us\\":%d,\\"errors\\":%d}\\n", summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout)) end',
  ].join('\n'));
}

interface WrkResult { rps: number; p50ms: number; p99ms: number; errors: number; requests: number }

function wrk(url: string, script: string, seconds: number): WrkResult {
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script, url], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`unexpected wrk output:\n${out}`);
  const r = JSON.parse(line.slice('WRK_JSON '.length)) as { requests: number; seconds: number; p50us: number; p99us: number; errors: number };
  return { rps: r.requests / r.seconds, p50ms: r.p50us / 1000, p99ms: r.p99us / 1000, errors: r.errors, requests: r.requests };
}

async function main(): Promise<void> {
  machineNote();
  ensureWrk();
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-ingest-'));
  try {
    const fnDir = join(root, 'functions', 'noop');
    mkdirSync(fnDir, { recursive: true });
    writeFileSync(join(fnDir, 'index.js'), 'async function onTrack(event, settings) {}\n');
    mkdirSync(join(root, 'empty', 'functions'), { recursive: true });
    note(`wrk -t1 -c${CONNECTIONS} -d${DURATION}s, single-event POST /v1/track; the engine runs a no-op function (delivers everything it ingests)`);

    const bare = await startChild<{ url: string }>([join(__dirname, 'support', 'bare-server.ts')], { nodeArgs: ['--import', 'tsx'] });
    const bareScript = join(root, 'bare.lua');
    luaScript(bareScript, null);
    const measureBare = (label: string): WrkResult => {
      wrk(`${bare.info.url}/v1/track`, bareScript, 2);
      const cpu0 = processCpuMs(bare.pid);
      const r = wrk(`${bare.info.url}/v1/track`, bareScript, DURATION);
      note(`baseline ${label}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms, ${r.errors} errors; ${(((processCpuMs(bare.pid) - cpu0) * 1000) / r.requests).toFixed(0)} µs CPU per request`);
      return r;
    };
    let run: WrkResult;
    let base: number;
    try {
      const before = measureBare('before');
      const engine = await startEngineProcess(join(root, 'functions'), join(root, 'data'));
      try {
        const script = join(root, 'engine.lua');
        luaScript(script, `Basic ${Buffer.from(`${engine.writeKey}:`).toString('base64')}`);
        wrk(`${engine.url}/v1/track`, script, 2);
        const cpu0 = processTreeCpuMs(engine.pid);
        run = wrk(`${engine.url}/v1/track`, script, DURATION);
        const cpu = processTreeCpuMs(engine.pid) - cpu0;
        note(`engine: ${run.rps.toFixed(0)} req/s, p50 ${run.p50ms.toFixed(2)} ms, p99 ${run.p99ms.toFixed(2)} ms, ${run.errors} non-2xx/socket errors; ${(cpu * 1000 / run.requests).toFixed(0)} µs engine CPU per request (all threads and worker processes)`);
        if (run.errors > 0) throw new Error(`${run.errors} requests failed: the figure would not be an ingest rate`);
      } finally {
        await engine.stop();
      }
      // Where the time goes: the same engine with no function subscribed (validated, answered 200, nothing to commit or deliver).
      const bare2 = await startEngineProcess(join(root, 'empty', 'functions'), join(root, 'data-empty'));
      try {
        const script = join(root, 'engine-empty.lua');
        luaScript(script, `Basic ${Buffer.from(`${bare2.writeKey}:`).toString('base64')}`);
        wrk(`${bare2.url}/v1/track`, script, 2);
        const cpu0 = processCpuMs(bare2.pid);
        const r = wrk(`${bare2.url}/v1/track`, script, DURATION);
        note(`engine with no function (HTTP + auth + validation only, nothing queued): ${r.rps.toFixed(0)} req/s, ${(((processCpuMs(bare2.pid) - cpu0) * 1000) / r.requests).toFixed(0)} µs CPU per request`);
      } finally {
        await bare2.stop();
      }
      const after = measureBare('after');
      base = (before.rps + after.rps) / 2;
      // Calibration: the same bare server doing CALIBRATION_US of pure CPU work per request.
      const busy = await startChild<{ url: string }>([join(__dirname, 'support', 'bare-server.ts')], { nodeArgs: ['--import', 'tsx'], env: { BENCH_BUSY_US: String(CALIBRATION_US) } });
      try {
        wrk(`${busy.info.url}/v1/track`, bareScript, 2);
        const r = wrk(`${busy.info.url}/v1/track`, bareScript, DURATION);
        note(`calibration: the bare server spinning ${CALIBRATION_US} µs of CPU per request: ${r.rps.toFixed(0)} req/s = ${(r.rps / base).toFixed(2)} × the baseline`);
      } finally {
        await busy.stop();
      }
    } finally {
      await bare.stop();
    }
    printFigures([
      { name: 'ingest.baseline_bare_http', value: base, unit: 'req/s (bare node http server, mean of before and after)', digits: 0 },
      { name: 'ingest.engine_track', value: run.rps, unit: 'req/s (POST /v1/track, committed before 200)', digits: 0 },
      { name: 'ingest.engine_p99', value: run.p99ms, unit: 'ms', digits: 2 },
      { name: 'ingest.ratio', value: run.rps / base, unit: '× the baseline (target ≥ 0.5)', digits: 2 },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
