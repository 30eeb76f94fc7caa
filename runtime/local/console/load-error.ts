/** A load error as the console shows it: the message, and where in which file when the message says so. */
import { isAbsolute, relative } from 'node:path';

export interface LoadErrorView { name: string; message: string; file?: string; line?: number; column?: number; at?: string }

// `functions/x/index.ts:3:7: …` (esbuild) or `… (functions/x/index.js:3)`: a source or JSON file, a line, maybe a column.
const LOCATION = /([^\s:()"']+\.(?:[cm]?[jt]s|json)):(\d+)(?::(\d+))?/;

/** @param rootDir an absolute file in the message is shown relative to it (the project). */
export function loadErrorView(message: string, at?: number, rootDir?: string): LoadErrorView {
  const name = /^([A-Z][A-Za-z]*Error)\b/.exec(message)?.[1] ?? 'FunctionConfigError';
  const view: LoadErrorView = { name, message };
  const found = LOCATION.exec(message);
  if (found) {
    view.file = rootDir && isAbsolute(found[1]) ? relative(rootDir, found[1]) : found[1];
    view.line = Number(found[2]);
    if (found[3] !== undefined) view.column = Number(found[3]);
  }
  if (at !== undefined) view.at = new Date(at).toISOString();
  return view;
}
