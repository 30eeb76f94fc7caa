/**
 * Function code cannot reach the engine (issue 11.1). A script-style function tries every classic way
 * out of its vm context (ESCAPES: the constructor chain from each global and from values crossing the
 * boundary, Error.prepareStackTrace, Function.caller, proxies, async stacks) and a module-style one
 * simply `require`s; with every process it obtains, it tries to read the engine's environment (a canary
 * variable), another function's settings.local.json, .destfn/sources.json and the data dir, to start a
 * process or a thread, to write a file, and to signal, debug or renice another process. All of it runs
 * in a real engine; the escapes do reach a process (the function's own worker), and everything else fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../runtime/local/engine';
import { ESCAPES, ESCAPE_SETTINGS, MODULE_ESCAPES, PROBE_NAMES, type EscapeReport } from './helpers/escapes';
import { POST_TO_URL, URL_SETTING, tempProject, writeFunction, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';

const CANARY_NAME = 'DESTFN_ESCAPE_CANARY';
const CANARY = 'canary-7f3a9c1e5b';
const VICTIM_SECRET = 'victim-secret-4b8d2e6f0a';

let project: TempProject;
let sink: Sink;
let engine: Engine;
let victim: ChildProcess;
let report: EscapeReport[];

function escapeSettings(): Record<string, string> {
  return {
    reportUrl: sink.url,
    canaryName: CANARY_NAME,
    victimSettings: join(project.functionsDir, 'victim', 'settings.local.json'),
    sourcesFile: join(project.dataDir, 'sources.json'),
    dataDir: project.dataDir,
    enginePid: String(process.pid),
    writeDir: project.root,
    victimPid: String(victim.pid),
  };
}

beforeAll(async () => {
  process.env[CANARY_NAME] = CANARY;
  project = tempProject('destfn-escape-');
  sink = await startSink();
  // Another process of the same user, for the signal / debug / renice probes (SIGTERM or SIGUSR1 would end it).
  victim = spawn('sleep', ['600'], { stdio: 'ignore' });
  writeFunction(project.functionsDir, 'victim', {
    code: POST_TO_URL,
    config: { settings: { ...URL_SETTING, apiKey: { type: 'string', secret: true } } },
    settings: { url: `${sink.url}/victim` },
  });
  writeFileSync(join(project.functionsDir, 'victim', 'settings.local.json'), JSON.stringify({ apiKey: VICTIM_SECRET }));
  writeFunction(project.functionsDir, 'escaper', { code: ESCAPES, config: { settings: ESCAPE_SETTINGS, timeoutSeconds: 20, retry: { attempts: 1, windowHours: 1 } }, settings: escapeSettings() });
  writeFunction(project.functionsDir, 'requirer', { code: MODULE_ESCAPES, config: { settings: ESCAPE_SETTINGS, retry: { attempts: 1, windowHours: 1 } }, settings: escapeSettings() });
  engine = await testEngine(project);
  expect(existsSync(join(project.dataDir, 'sources.json'))).toBe(true);

  expect((await postJson(`${engine.url}/v1/track`, track('escape-1'), engine.writeKey)).status).toBe(200);
  await waitFor('both reports', () => sink.requests.filter((r) => r.path === '/report').length === 2, 30_000);
  await waitFor('all settled', () => ['escaper', 'requirer', 'victim'].every((fn) => engine.records.get(fn, 'escape-1')?.status === 'delivered'), 10_000);
  report = sink.requests.filter((r) => r.path === '/report').flatMap((r) => r.json as EscapeReport[]);
}, 60_000);

afterAll(async () => {
  await engine?.stop();
  await sink?.close();
  victim?.kill('SIGKILL');
  project?.cleanup();
  delete process.env[CANARY_NAME];
});

test('the escapes are real: most of them obtain a process (the function worker\'s own)', () => {
  const reached = report.filter((r) => r.reached);
  // The classic ones must work, else the checks below would prove nothing.
  for (const name of ['fetch.constructor', 'Buffer.constructor', 'console.log.constructor', 'setTimeout.constructor', 'crypto.constructor.constructor',
    '_.constructor', 'TextEncoder.constructor', 'fetch response', 'structuredClone({}) result', 'host error: Buffer.alloc(-1)',
    'this.constructor.constructor (the global)', 'Error.prepareStackTrace in a lodash callback', 'console.log inspect.custom arguments',
    "module style: require('node:process')"]) {
    expect(reached.map((r) => r.escape)).toContain(name);
  }
  expect(reached.length).toBeGreaterThanOrEqual(40);
  // None of them is the engine's process.
  for (const r of reached) expect(r.pid).not.toBe(process.pid);
  process.stdout.write(`escapes tried ${report.length}, reached a process ${reached.length}, probes run ${reached.length * PROBE_NAMES.length}\n`
    + `not reaching any process: ${report.filter((r) => !r.reached).map((r) => `${r.escape} (${r.error})`).join('; ')}\n`);
});

test('no escape reads the engine\'s environment: the worker\'s environment is empty', () => {
  for (const r of report.filter((x) => x.reached)) {
    expect({ escape: r.escape, env: r.env, keys: r.envKeys, environ: r.readEngineEnviron }).toEqual({
      escape: r.escape, env: 'blocked Error: no canary', keys: [], environ: expect.stringMatching(/^blocked ERR_ACCESS_DENIED/),
    });
  }
});

test('no escape reads another function\'s secrets, .destfn/sources.json or the data dir', () => {
  for (const r of report.filter((x) => x.reached)) {
    for (const probe of ['readOtherSettings', 'readSources', 'listDataDir']) {
      expect({ escape: r.escape, probe, got: r[probe] }).toEqual({ escape: r.escape, probe, got: expect.stringMatching(/^blocked ERR_ACCESS_DENIED/) });
    }
  }
  expect(JSON.stringify(report)).not.toContain(VICTIM_SECRET);
  expect(JSON.stringify(report)).not.toContain(engine.writeKey);
});

test('no escape starts a process or a thread, writes a file, or signals, debugs or renices another process', () => {
  for (const r of report.filter((x) => x.reached)) {
    for (const probe of ['spawn', 'worker', 'write', 'signal', 'debugProcess', 'renice']) {
      expect({ escape: r.escape, probe, got: r[probe] }).toEqual({ escape: r.escape, probe, got: expect.stringMatching(/^blocked ERR_ACCESS_DENIED/) });
    }
  }
  expect(readdirSync(project.root).filter((f) => f.startsWith('pwned'))).toEqual([]);
  expect(victim.exitCode).toBeNull();
  expect(victim.signalCode).toBeNull();
  expect(getPriority(victim.pid!)).toBe(0);
});

test('every escape tried is blocked (the closing figure)', () => {
  const leaks = report.flatMap((r) => PROBE_NAMES.filter((p) => String(r[p] ?? '').startsWith('LEAK')).map((p) => `${r.escape}: ${p}: ${String(r[p])}`));
  expect(leaks).toEqual([]);
  process.stdout.write(`escapes tried ${report.length}, blocked ${report.length - new Set(leaks.map((l) => l.split(':')[0])).size}\n`);
});

test('the worker runs with an empty environment and the settings are not on its command line', () => {
  const pid = report.find((r) => r.reached)!.pid!;
  // Only what Node's fork adds for the IPC channel (and removes from process.env at start).
  expect(readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean).map((v) => v.split('=')[0]).sort())
    .toEqual(['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE']);
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
  expect(cmdline.some((a) => a === '--experimental-permission' || a === '--permission')).toBe(true);
  expect(cmdline.join(' ')).not.toContain(sink.url);
  expect(cmdline.filter((a) => a.startsWith('--allow-fs-read=')).map((a) => a.slice('--allow-fs-read='.length))).not.toContain(project.dataDir);
});

test('the engine and the other functions are unaffected', async () => {
  expect(engine.records.get('victim', 'escape-1')?.status).toBe('delivered');
  expect((await fetch(`${engine.url}/health`)).status).toBe(200);
});
