/**
 * Settings that point at a loopback address (http://localhost:3000/_sink/…, 127.0.0.1, [::1], 0.0.0.0).
 * Locally that is the dev engine; on Lambda it is the Lambda itself, so every event would be retried for
 * hours and dead-lettered. `cdk synth` refuses to deploy such a function unless told to.
 */
import { join } from 'node:path';
import { FunctionConfigError } from '../runtime/api/errors';
import type { FunctionDefinition } from '../runtime/function';
import { COMMITTED_SETTINGS_FILE } from '../runtime/settings';
import { displayPath } from '../runtime/source/display-path';

export interface LoopbackSetting {
  /** The setting's name, with the array index or map key inside it when the value is nested. */
  readonly setting: string;
  readonly value: string;
}

/** Every string in `values` (also inside arrays and maps) that is a URL or host[:port] on a loopback address. */
export function loopbackSettings(values: Record<string, unknown>): LoopbackSetting[] {
  return Object.entries(values).flatMap(([key, value]) => findLoopback(key, value));
}

function findLoopback(path: string, value: unknown): LoopbackSetting[] {
  if (typeof value === 'string') return isLoopbackAddress(value) ? [{ setting: path, value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => findLoopback(`${path}[${i}]`, item));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => findLoopback(`${path}.${key}`, item));
  }
  return [];
}

/** A URL ("http://127.0.0.1:3000/x") or a bare host ("localhost:3000") whose host is a loopback address. */
export function isLoopbackAddress(text: string): boolean {
  const candidate = text.trim();
  if (candidate === '' || /\s/.test(candidate)) return false;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(candidate);
  let hostname: string;
  try {
    // WHATWG URL parsing normalizes the host: case, IPv4 shorthands (127.1, 0x7f.0.0.1), IPv6 zero runs.
    hostname = new URL(hasScheme ? candidate : `http://${candidate}`).hostname;
  } catch {
    return false;
  }
  return hostname === 'localhost'
    || hostname.endsWith('.localhost')
    || /^127\.\d+\.\d+\.\d+$/.test(hostname)
    || hostname === '0.0.0.0'
    || hostname === '[::1]'
    || hostname === '[::]';
}

/** Throws naming the function, each loopback setting, why it cannot work on AWS and how to fix it. */
export function assertNoLoopbackSettings(def: Pick<FunctionDefinition, 'name' | 'dir'>, values: Record<string, unknown>): void {
  const found = loopbackSettings(values);
  if (found.length === 0) return;
  const settings = found.map(({ setting, value }) => `"${setting}" = ${value}`).join(', ');
  const [noun, verb] = found.length === 1 ? ['setting', 'points'] : ['settings', 'point'];
  throw new FunctionConfigError(
    `function "${def.name}": ${noun} ${settings} ${verb} at a loopback address. On Lambda that is the ` +
    'Lambda itself: every event would be retried for hours, then dead-lettered. Put the real URL in ' +
    `${displayPath(join(def.dir, COMMITTED_SETTINGS_FILE))}, or mark the function local only with "deploy": false in ` +
    `${displayPath(join(def.dir, 'function.json'))} (or synthesize with -c allowLoopbackSettings=true for a rehearsal).`,
  );
}
