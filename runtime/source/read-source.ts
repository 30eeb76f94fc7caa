/** A function folder's index.js|index.ts → FunctionSource (prebuilt as is, else compiled by esbuild). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionConfigError } from '../api/errors';
import type { FunctionSource } from './types';
import { compileFunctionSource } from './compile';
import { displayPath } from './display-path';
import { parsePrebuiltSource } from './prebuilt';

export const SOURCE_FILES = ['index.ts', 'index.js'] as const;

export function readFunctionSource(dir: string): FunctionSource {
  const present = SOURCE_FILES.filter((f) => existsSync(join(dir, f)));
  if (present.length === 0) throw new FunctionConfigError(`${displayPath(dir)}: no index.js or index.ts`);
  if (present.length > 1) throw new FunctionConfigError(`${displayPath(dir)}: both index.ts and index.js exist; keep one`);
  const filename = join(dir, present[0]);
  if (filename.endsWith('.js')) {
    const prebuilt = parsePrebuiltSource(readFileSync(filename, 'utf8'), filename);
    if (prebuilt) return prebuilt;
  }
  return compileFunctionSource(filename);
}
