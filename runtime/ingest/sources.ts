/**
 * Sources: the named senders of events. Names come from destfn.config.json at the project root
 * (`{"sources": {"<name>": {"description"?: "…"}}}`; default: one source "dev"). Their credentials
 * are not configuration: locally they live in <dataDir>/sources.json (generated on first use,
 * git-ignored); on AWS in one Secrets Manager secret per source.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod'; // a namespace import lets esbuild drop the parts of zod not used (its locales: ~350 KB of the Lambda bundles)
import { FunctionConfigError } from '../api/errors';
import { jsonErrorReason } from '../settings/json-file';
import type { SourceCredentials } from './types';

export const CONFIG_FILE = 'destfn.config.json';
export const DEFAULT_SOURCE = 'dev';
const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const configSchema = z.looseObject({
  sources: z.record(z.string().regex(SOURCE_NAME), z.strictObject({ description: z.string().optional() }), {
    error: (iss) => (iss.code === 'invalid_key'
      ? 'source names use letters, digits, "-" and "_" (at most 64)'
      : 'must be an object {"<source name>": {"description"?: "…"}}'),
  }).optional(),
});

const credentialsSchema = z.record(z.string(), z.looseObject({
  writeKey: z.string().min(1),
  sharedSecret: z.string().min(1).nullable().optional(),
}));

export function readSourceNames(rootDir: string): string[] {
  const file = join(rootDir, CONFIG_FILE);
  if (!existsSync(file)) return [DEFAULT_SOURCE];
  const parsed = configSchema.safeParse(readJson(file));
  if (!parsed.success) throw configError(file, parsed.error);
  if (parsed.data.sources === undefined) return [DEFAULT_SOURCE];
  const names = Object.keys(parsed.data.sources);
  if (names.length === 0) throw new FunctionConfigError(`${file}: field "sources": declare at least one source`);
  return names;
}

/** Credentials of the sources `names` (readSourceNames), generating (and saving) a write key for any source without one. */
export function loadLocalSourceCredentials(names: readonly string[], dataDir: string): SourceCredentials[] {
  const file = join(dataDir, 'sources.json');
  let stored: z.infer<typeof credentialsSchema> = {};
  if (existsSync(file)) {
    const parsed = credentialsSchema.safeParse(readJson(file));
    if (!parsed.success) throw configError(file, parsed.error);
    stored = parsed.data;
  }
  const missing = names.filter((name) => !Object.hasOwn(stored, name));
  if (missing.length > 0) {
    for (const name of missing) stored[name] = { writeKey: randomBytes(16).toString('hex'), sharedSecret: null };
    writePrivateJson(file, stored);
  }
  return names.map((name) => ({
    name,
    writeKey: name === DEFAULT_SOURCE && process.env.DESTFN_WRITE_KEY ? process.env.DESTFN_WRITE_KEY : stored[name].writeKey,
    sharedSecret: stored[name].sharedSecret ?? null,
  }));
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FunctionConfigError(`${file}: not valid JSON (${jsonErrorReason(err)})`);
  }
}

function configError(file: string, error: z.ZodError): FunctionConfigError {
  const issue = error.issues[0];
  return new FunctionConfigError(`${file}: field "${issue.path.join('.') || '(root)'}": ${issue.message}`);
}

/** Atomic write, readable by the owner only (it holds credentials). */
function writePrivateJson(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 }); // the data dir, when this comes first
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
