/** Temporary functions folders for engine tests. */
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');
export const WEBHOOK_EXAMPLE = join(REPO, 'functions', 'webhook');

export interface TempProject {
  root: string;
  functionsDir: string;
  dataDir: string;
  cleanup(): void;
}

/** A project root with an empty functions/ folder and a data dir. */
export function tempProject(prefix = 'destfn-local-'): TempProject {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const functionsDir = join(root, 'functions');
  mkdirSync(functionsDir);
  return { root, functionsDir, dataDir: join(root, '.destfn'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface FunctionFiles {
  /** index.js (script style unless it uses exports). */
  code: string;
  config?: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

export function writeFunction(functionsDir: string, name: string, files: FunctionFiles): string {
  const dir = join(functionsDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), files.code);
  if (files.config) writeFileSync(join(dir, 'function.json'), JSON.stringify(files.config, null, 2));
  if (files.settings) writeFileSync(join(dir, 'settings.json'), JSON.stringify(files.settings, null, 2));
  return dir;
}

/**
 * A copy of functions/webhook delivering to `url`. `config` is merged into its function.json
 * (e.g. a shorter retry schedule).
 */
export function copyWebhook(functionsDir: string, name: string, url: string, config: Record<string, unknown> = {}): string {
  const dir = join(functionsDir, name);
  cpSync(WEBHOOK_EXAMPLE, dir, { recursive: true });
  rmSync(join(dir, 'settings.local.json'), { force: true });
  const fnJson = JSON.parse(readFileSync(join(dir, 'function.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'function.json'), JSON.stringify({ ...fnJson, ...config }, null, 2));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ url }, null, 2));
  return dir;
}

/** A script-style function POSTing every event (track/identify…) as JSON to settings.url. */
export const POST_TO_URL = `
async function post(event, settings) {
  const res = await fetch(settings.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
  if (res.status >= 500) throw new RetryError('sink ' + res.status);
  return res.status;
}
async function onTrack(event, settings) { return post(event, settings); }
async function onIdentify(event, settings) { return post(event, settings); }
`;

export const URL_SETTING = { url: { type: 'string', required: true } };
