/**
 * `destfn dev [--dir functions] [--port 3000] [--data .destfn] [--host h] [--token t] [--no-reload]` (= npm start):
 * the local engine and its dev console. Saving a function folder reloads it for the next event; with --no-reload
 * edits wait for the next start. The console's token is kept in the data dir (console-token) unless --token (or
 * DESTFN_TOKEN) gives one; the banner's console URL carries it.
 */
import { join, relative, resolve } from 'node:path';
import { startEngine, type Engine } from '../local/engine';
import { parseCommandArgs } from './args';

export const summary = 'run the local engine: ingest API, queues, worker processes, retries, dev console (npm start)';

const USAGE = 'usage: destfn dev [--dir functionsDir] [--port 3000] [--data dataDir] [--host 127.0.0.1] [--token t] [--quiet] [--no-reload]\n';

/** A fixed console token must not be guessable in a few tries. */
export const MIN_TOKEN_LENGTH = 16;

export function banner(engine: Engine, displayHost: string): string {
  const base = `http://${displayHost}:${engine.port}`;
  // Every console request needs the token (also on loopback): the URL carries it once, the page keeps it as a cookie.
  const consoleUrl = `${base}/?token=${encodeURIComponent(engine.token)}`;
  const key = engine.writeKey;
  // DESTFN_WRITE_KEY sets the "dev" source's key; a project without that source shows its first one.
  const source = engine.sources.find((s) => s.writeKey === key)?.name ?? 'dev';
  const keysFile = join(relative(process.cwd(), engine.dataDir) || '.', 'sources.json');
  const others = engine.sources.filter((s) => s.name !== source).map((s) => s.name);
  const keyNote = source !== 'dev'
    ? `every source's key: ${keysFile}`
    : [
      process.env.DESTFN_WRITE_KEY ? 'from DESTFN_WRITE_KEY' : 'set DESTFN_WRITE_KEY to choose it',
      others.length > 0 ? `the keys of ${others.join(', ')}: ${keysFile}` : null,
    ].filter(Boolean).join('; ');
  const fns = engine.functions();
  return [
    '',
    'destfn dev: local engine running',
    `  ingest     ${base}/v1/track|identify|page|screen|group|alias|batch   ${base}/webhook/<source>`,
    `  console    ${consoleUrl}`,
    `  functions  ${fns.length > 0 ? fns.join(', ') : '(none: add a folder with `npx destfn new <name>`)'}`,
    `  data       ${relative(process.cwd(), engine.dataDir) || '.'}`,
    `  write key  ${key}   (source "${source}"; ${keyNote})`,
    '',
    'Send a first event:',
    `  curl -s ${base}/v1/track -u '${key}:' -H 'content-type: application/json' \\`,
    `    -d '{"userId":"user-1","event":"Order Completed","properties":{"total":42}}'`,
    '',
    'One line per delivery outcome below. Ctrl-C stops (in-flight events finish first).',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('dev', USAGE, argv, {
    dir: { type: 'string', default: 'functions' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    data: { type: 'string', default: '.destfn' },
    host: { type: 'string' },
    token: { type: 'string', default: process.env.DESTFN_TOKEN },
    quiet: { type: 'boolean', default: false },
    'no-reload': { type: 'boolean', default: false },
  }, false);
  if (!parsed) return 1;
  const { values } = parsed;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`destfn dev: --port must be a port number\n${USAGE}`);
    return 1;
  }
  const token = values.token || undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    process.stderr.write(`destfn dev: --token must be at least ${MIN_TOKEN_LENGTH} characters\n${USAGE}`);
    return 1;
  }
  // Taken from the start: a SIGINT/SIGTERM while the engine starts stops it once it is up (not Node's default,
  // which would end the process mid-start).
  let stop: ((signal: NodeJS.Signals) => void) | null = null;
  let early: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop) stop(signal);
    else early ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let engine: Engine;
  try {
    engine = await startEngine({
      functionsDir: resolve(values.dir),
      dataDir: resolve(values.data),
      rootDir: process.cwd(),
      port,
      host: values.host,
      token,
      quiet: values.quiet,
      watch: !values['no-reload'],
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = e.code === 'EADDRINUSE' ? `port ${port} is already in use (try --port <another>)` : e.message;
    process.stderr.write(`destfn dev: ${message}\n`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return 1;
  }
  process.stdout.write(`${banner(engine, values.host ?? 'localhost')}\n`);

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`destfn dev: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      process.stdout.write(`\n${signal}: stopping (in-flight events finish, the rest stay queued)…\n`);
      engine.stop().then(
        () => { process.stdout.write('stopped\n'); resolveExit(0); },
        (err: Error) => { process.stderr.write(`destfn dev: stop failed: ${err.message}\n`); resolveExit(1); },
      );
    };
    if (early) stop(early);
  });
}
