/** A destination function folder laid out as `cdk deploy` ships it (/var/task/function): prebuilt index.js, function.json, settings.json. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(files.settings));
  return dir;
}

export function tempRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
