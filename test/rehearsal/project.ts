/**
 * The project the rehearsal deploys, written as a user would: two sources and three functions running the
 * repository's webhook example unchanged, each pointed at the test's HTTP sink.
 *   relay       every event of every source; a secret setting (sharedSecret) set after deploy
 *   big-orders  source "web" only, filter `type = "track" and properties.total > 50`; its own code, which logs and
 *               retries an event whose properties.fail is set; 3 attempts over 3.6 s, then the DLQ
 *   flaky       source "hooks" only; its destination answers 503; 3 attempts over 3.6 s, then the DLQ
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const WEBHOOK_EXAMPLE = resolve(__dirname, '..', '..', 'functions', 'webhook', 'index.js');

const SETTINGS = {
  url: { type: 'string', required: true },
  headers: { type: 'map' },
  sharedSecret: { type: 'string', secret: true },
};

/** Segment script style: logs a line (for `destfn logs --aws`), posts the event, a non-2xx (or properties.fail) is retried. */
const BIG_ORDERS = `async function onTrack(event, settings) {
  console.log('big order ' + event.messageId + ': ' + event.properties.total);
  const response = await fetch(settings.url, {
    method: 'POST', headers: Object.assign({ 'content-type': 'application/json' }, settings.headers), body: JSON.stringify(event),
  });
  if (!response.ok || event.properties.fail) throw new RetryError('destination answered ' + response.status);
  return response.json();
}
`;

export const RETRY = { attempts: 3, windowHours: 0.001 };

export function writeProject(dir: string, sinkUrl: string): void {
  write(join(dir, 'destfn.config.json'), { sources: { web: {}, hooks: {} } });
  writeFunction(dir, 'relay', { settings: SETTINGS }, { url: `${sinkUrl}/ok`, headers: { 'x-function': 'relay' } });
  writeFunction(dir, 'big-orders', { settings: SETTINGS, sources: ['web'], filter: 'type = "track" and properties.total > 50', retry: RETRY },
    { url: `${sinkUrl}/ok`, headers: { 'x-function': 'big-orders' } }, BIG_ORDERS);
  writeFunction(dir, 'flaky', { settings: SETTINGS, sources: ['hooks'], retry: RETRY },
    { url: `${sinkUrl}/fail`, headers: { 'x-function': 'flaky' } });
}

function writeFunction(dir: string, name: string, functionJson: object, settings: object, code?: string): void {
  const fnDir = join(dir, 'functions', name);
  mkdirSync(fnDir, { recursive: true });
  if (code === undefined) copyFileSync(WEBHOOK_EXAMPLE, join(fnDir, 'index.js'));
  else writeFileSync(join(fnDir, 'index.js'), code);
  write(join(fnDir, 'function.json'), functionJson);
  write(join(fnDir, 'settings.json'), settings);
}

function write(file: string, value: object): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
