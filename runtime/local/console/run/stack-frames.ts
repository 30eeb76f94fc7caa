/**
 * The stack of an error thrown by function code, as frames in the user's own files: V8's `at fn (file:line:col)`
 * lines of the evaluated code, mapped back through the source map for TypeScript and module style (a .js script
 * runs as written). Frames of destfn itself, node_modules and Node are left out.
 */
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { FunctionSource } from '../../../source';

export interface StackFrame { file: string; line: number; column: number; fn?: string }

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

export interface FrameMapper {
  /** The user's frames of a stack text, with paths relative to `rootDir`. */
  frames(stack: unknown): StackFrame[];
}

export function frameMapper(source: FunctionSource, rootDir: string): FrameMapper {
  const folder = dirname(source.filename);
  const map = source.sourceMap ? new SourceMap(JSON.parse(source.sourceMap) as ConstructorParameters<typeof SourceMap>[0]) : null;
  const own = (file: string) => file.startsWith(folder + sep) && !file.includes(`${sep}node_modules${sep}`);

  const toUser = (file: string, line: number, column: number): { file: string; line: number; column: number } | null => {
    if (file !== source.filename) return null;
    if (!map) return { file, line, column };
    const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return null;
    const original = isAbsolute(entry.originalSource) ? entry.originalSource : resolve(folder, entry.originalSource.replace(/^file:\/\//, ''));
    return own(original) ? { file: original, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 } : null;
  };

  return {
    frames(stack) {
      if (typeof stack !== 'string') return [];
      const out: StackFrame[] = [];
      for (const text of stack.split('\n')) {
        const m = FRAME.exec(text);
        if (!m) continue;
        const at = toUser(m[2], Number(m[3]), Number(m[4]));
        if (!at) continue;
        const frame: StackFrame = { file: relative(rootDir, at.file), line: at.line, column: at.column };
        const fn = m[1]?.replace(/^async /, '');
        if (fn) frame.fn = fn;
        out.push(frame);
      }
      return out;
    },
  };
}
