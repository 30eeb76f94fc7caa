/**
 * A function source compiled ahead of time (e.g. by `cdk synth` for Lambda, where esbuild is not
 * available): index.js starts with a banner line stating its style, and is then used as is.
 *
 *   writeFileSync(join(assetDir, 'function', 'index.js'), renderPrebuiltSource(definition.source))
 */
import type { FunctionSource } from './types';

const BANNER = /^\/\/ destfn-prebuilt style=(script|module)\r?\n/;

export function renderPrebuiltSource(source: FunctionSource): string {
  return `// destfn-prebuilt style=${source.style}\n${source.code}`;
}

/** The source, when `text` is a prebuilt index.js; else undefined. */
export function parsePrebuiltSource(text: string, filename: string): FunctionSource | undefined {
  const match = BANNER.exec(text);
  if (!match) return undefined;
  return { style: match[1] as FunctionSource['style'], code: text.slice(match[0].length), filename };
}
