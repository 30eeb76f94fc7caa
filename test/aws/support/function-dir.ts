/**
 * A destination function folder laid out as `cdk deploy` ships it (/var/task/function): prebuilt index.js,
 * function.json, settings.json, and function.resolved.json (function.json through parseFunctionConfig, as synth does).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESOLVED_FUNCTION_FILE, renderResolvedFunction } from '../../../runtime/aws/resolved-function';
import { parseFunctionConfig } from '../../../runtime/function/config';
import { renderPrebuiltSource } from '../../../runtime/source/prebuilt';

export interface FunctionFiles {
  name: string;
  /** Segment script-style source. */
  code: string;
  functionJson: Record<string, unknown>;
  settings: Record<string, unknown>;
}

export function writeFunctionDir(root: string, files: FunctionFiles): string {
  const dir = join(root, files.name);
  mkdirSync(dir, { recursive: true });
  const filename = join(dir, 'index.js');
  writeFileSync(filename, renderPrebuiltSource({ style: 'script', code: files.code, filename }));
  writeFileSync(join(dir, 'function.json'), JSON.stringify(files.functionJson));
  const config = parseFunctionConfig(files.functionJson, `${files.name}/function.json`);
  writeFileSync(join(dir, RESOLVED_FUNCTION_FILE), renderResolvedFunction({ name: files.name, config }));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(files.settings));
  return dir;
}

export function tempRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
