/** Temporary function folders for runtime tests (under os.tmpdir()). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFunctionInstance, type FunctionInstance } from '../../../runtime/function/instance';
import { readFunctionDefinition } from '../../../runtime/function/definition';
import { resolveSettings } from '../../../runtime/settings/resolve';

export type FolderFiles = Record<string, string | object>;

export class TmpFunctions {
  readonly root = mkdtempSync(join(tmpdir(), 'destfn-rt-'));
  private count = 0;
  private readonly instances: FunctionInstance[] = [];

  /** Writes a function folder; objects are written as JSON. Returns its path. */
  folder(files: FolderFiles, name = `fn${++this.count}`): string {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    }
    return dir;
  }

  /** Folder → definition → resolved settings → instance (disposed in cleanup()). */
  instance(files: FolderFiles, settings: Record<string, unknown> = {}, name?: string): FunctionInstance {
    const def = readFunctionDefinition(this.folder(files, name));
    const instance = createFunctionInstance(def, resolveSettings(def, settings));
    this.instances.push(instance);
    return instance;
  }

  cleanup(): void {
    for (const instance of this.instances) instance.dispose();
    rmSync(this.root, { recursive: true, force: true });
  }
}
