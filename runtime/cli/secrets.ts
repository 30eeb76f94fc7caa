/**
 * `destfn secrets set <fn> KEY=VALUE [KEY=VALUE…] [--dir functions]`: store local setting values
 * (secret ones included) in functions/<fn>/settings.local.json, which git ignores. Only declared
 * setting names are accepted, and values are never printed.
 */
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { SettingSpec } from '../function/config';
import { readFunctionDefinition } from '../function/definition';
import { LOCAL_SETTINGS_FILE } from '../settings/file';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';

export const summary = 'set local setting values, secrets included (functions/<fn>/settings.local.json)';

const USAGE = `usage: destfn secrets set <function> KEY=VALUE [KEY=VALUE…] [--dir functionsDir] [${AWS_USAGE}]\n`;

/** A command-line value in the setting's type: booleans true/false, arrays JSON or comma-separated, maps JSON. */
export function parseSettingValue(name: string, spec: SettingSpec, raw: string): unknown {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'boolean':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new Error(`setting "${name}" is a boolean: use true or false`);
    case 'array': {
      if (raw.trim().startsWith('[')) {
        const parsed = parseJson(raw);
        if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'string')) return parsed;
        throw new Error(`setting "${name}" is an array: use a JSON array of strings or a,b,c`);
      }
      return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    }
    case 'map': {
      const parsed = parseJson(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
      throw new Error(`setting "${name}" is a map: use a JSON object, e.g. '{"a":"b"}'`);
    }
  }
}

function parseJson(raw: string): unknown {
  try { return JSON.parse(raw); } catch { return undefined; }
}

function readLocalFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const parsed = parseJson(readFileSync(file, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file} is not a JSON object; fix or remove it first`);
  return parsed as Record<string, unknown>;
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('secrets', USAGE, argv, { dir: { type: 'string', default: 'functions' }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('secrets', USAGE, parsed.values);
  if (!target) return 1;
  const [action, fn, ...pairs] = parsed.positionals;
  if (action !== 'set' || !fn || pairs.length === 0) {
    process.stderr.write(USAGE);
    return 1;
  }
  try {
    const dir = join(resolve(parsed.values.dir), fn);
    const specs = readFunctionDefinition(dir).config.settings;
    const updates: Record<string, unknown> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`expected KEY=VALUE, got an argument without "=" (${eq === 0 ? 'empty key' : 'no "="'})`);
      const name = pair.slice(0, eq);
      const spec = specs[name];
      if (!spec) throw new Error(`function "${fn}" has no setting "${name}" (settings: ${Object.keys(specs).join(', ') || 'none'})`);
      updates[name] = parseSettingValue(name, spec, pair.slice(eq + 1));
    }
    if (parsed.values.aws) return await (require('./aws/cli-commands') as typeof import('./aws/cli-commands')).secretsAwsCommand(fn, updates, parsed.values.dir, target);
    const file = join(dir, LOCAL_SETTINGS_FILE);
    const merged = { ...readLocalFile(file), ...updates };
    writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const names = Object.keys(updates).map((n) => (specs[n].secret ? `${n} (secret)` : n)).join(', ');
    process.stdout.write(`set ${names} for "${fn}" in ${relative(process.cwd(), file) || file}; a running engine reloads it.\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`destfn secrets: ${(err as Error).message}\n`);
    return 1;
  }
}
