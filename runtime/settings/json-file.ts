/** Reading a JSON file of a function folder (no schema: callers check the shape). */
import { readFileSync } from 'node:fs';
import { FunctionConfigError } from '../api/errors';
import { displayPath } from '../source/display-path';

export function readJsonFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FunctionConfigError(`${displayPath(file)}: invalid JSON: ${(err as Error).message}`);
  }
}
