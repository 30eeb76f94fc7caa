/**
 * The one reader of destfn's JSON files (function.json, function.resolved.json, settings.json,
 * settings.local.json, destfn.config.json, sources.json, `run --settings` files), and the reason of a
 * JSON.parse failure safe to show. V8's messages quote the text around the mistake
 * (`Unexpected token 's', ..."apiKey": sk-live-ab"... is not valid JSON`), and these files hold secrets:
 * an error here says what kind of mistake and where, never a piece of the text.
 */
import { readFileSync } from 'node:fs';
import { FunctionConfigError } from '../api/errors';
import { displayPath } from '../source/display-path';

/** Parsed JSON (no schema: callers check the shape). Throws FunctionConfigError naming the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FunctionConfigError(`${displayPath(file)}: not found`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FunctionConfigError(`${displayPath(file)}: invalid JSON: ${jsonErrorReason(err)}`);
  }
}

/**
 * V8 messages that name only a kind of mistake and a position ("Expected ',' or '}' after property value in JSON at
 * position 23 (line 1 column 24)"): words, and quoted characters that are JSON's own punctuation. Checked in linear
 * steps: one pattern of nested repeats took 10–60 ms per message on Node 22's longer messages (exponential
 * backtracking), which a request with a bad body made the ingest pay.
 */
const POSITION = / in JSON at position \d+(?: \(line \d+ column \d+\))?$/;
const QUOTED_PUNCTUATION = /'[,:}\]]'/g;
const WORDS = /^[A-Za-z -]*$/;

function namesOnlyKindAndPosition(message: string): boolean {
  const at = message.search(POSITION);
  return at > 0 && WORDS.test(message.slice(0, at).replace(QUOTED_PUNCTUATION, ''));
}

/** A JSON.parse failure's reason, without any character of the text it failed on. */
export function jsonErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Unexpected token')) return 'unexpected character'; // the family that quotes the text
  if (message === 'Unexpected end of JSON input' || namesOnlyKindAndPosition(message)) return message;
  return 'not valid JSON';
}
