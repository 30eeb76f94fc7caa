/** Opening the local engine's database from a CLI command (engine running or not). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dbPath, openDb, type Db } from '../../local/db';

export const DEFAULT_DATA_DIR = '.destfn';

export function openLocalData(dataDir: string | undefined): { db: Db; dataDir: string } {
  const dir = resolve(dataDir ?? DEFAULT_DATA_DIR);
  if (!existsSync(dbPath(dir))) {
    throw new Error(`no local engine data in ${dir} (start it with \`npx destfn dev\`, or pass --data <dir>)`);
  }
  return { db: openDb(dir, { mustExist: true }), dataDir: dir };
}
