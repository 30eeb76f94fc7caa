/**
 * The code version of a function: a short hash of what decides how it handles an event — its compiled source,
 * its resolved config (function.json with defaults, an instance's overrides applied) and its committed setting
 * values (settings.json, an instance's function.json settings). Secret values are never part of it: the hash is
 * stored in every delivery record and shown, and the secrets differ between the local engine and AWS.
 * Computed locally when the folder is read and at `cdk synth` (staged for the Lambda), by this one function.
 */
import { createHash } from 'node:crypto';
import type { FunctionConfig } from './config';
import type { FunctionSource } from '../source/types';

export const VERSION_LENGTH = 12;

export function codeVersion(source: FunctionSource, config: FunctionConfig, committed: Record<string, unknown>): string {
  const nonSecret = Object.keys(committed).sort()
    .filter((key) => !config.settings[key]?.secret)
    .map((key) => [key, committed[key]]);
  return createHash('sha256')
    .update(JSON.stringify([source.style, source.code, config, nonSecret]))
    .digest('hex')
    .slice(0, VERSION_LENGTH);
}
