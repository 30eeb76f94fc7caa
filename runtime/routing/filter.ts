/**
 * Destination filters in Segment's subscription syntax, evaluated with Segment's own
 * @segment/destination-subscriptions. Used by the local engine and by the AWS ingest alike.
 *
 * parseFql does not reject everything it cannot read: `type = ` becomes `type = "eos"`,
 * `a and b or c` silently becomes `a or b or c`, trailing garbage is dropped. So a filter is
 * accepted only when it returns no `error` AND regenerating FQL from the AST (generateFql) gives
 * back the same tokens as the source: what Segment's parser understood is exactly what was written.
 */
import { generateFql, parseFql, validate, type Subscription } from '@segment/destination-subscriptions';
import { lex } from '@segment/fql-ts';
import { FunctionConfigError } from '../api/errors';

export interface CompiledFilter {
  /** The FQL source, or null when the function has no filter (every event matches). */
  readonly source: string | null;
  matches(event: object): boolean;
}

const SYNTAX_HINT = 'expected conditions like `type = "track"` on type, event, name, userId, properties.*, traits.* or context.*, '
  + 'joined by `and`/`or`';

const MATCH_ALL: CompiledFilter = { source: null, matches: () => true };

export function compileFilter(functionName: string, fql: string | undefined): CompiledFilter {
  if (fql === undefined) return MATCH_ALL;
  const fail = (why: string) =>
    new FunctionConfigError(`function "${functionName}": invalid filter ${JSON.stringify(fql)}: ${why}`);
  if (fql.trim() === '') throw fail('the filter is empty (omit "filter" to receive every event)');

  const ast = parseFql(fql);
  if ('error' in ast) throw fail(ast.error instanceof TypeError ? SYNTAX_HINT : ast.error.message);
  let understood: string;
  try { understood = generateFql(ast); } catch (err) { throw fail(err instanceof Error ? err.message : String(err)); }
  if (!sameTokens(fql, understood)) throw fail(`Segment's parser reads it as ${JSON.stringify(understood)}`);

  const subscription: Subscription = ast;
  return { source: fql, matches: (event) => validate(subscription, event) };
}

interface Token { type: string; value: string }

function tokens(fql: string): Token[] | null {
  try {
    return (lex(fql).tokens as Token[])
      .filter((t) => t.type !== 'eos')
      .map((t) => (t.type === 'number' ? { type: t.type, value: String(Number(t.value)) } : { type: t.type, value: String(t.value) }));
  } catch {
    return null;
  }
}

const key = (list: Token[]) => list.map((t) => `${t.type}:${t.value}`).join(' ');
const isParen = (t: Token) => t.type === 'parenleft' || t.type === 'parenright';

/**
 * Token equality, except that redundant parentheses in the source (`(type = "track")`) are allowed:
 * generateFql omits them. parseFql groups only at one level, so when the tokens match without
 * parentheses and the source's parentheses balance, the grouping is the written one.
 */
function sameTokens(source: string, understood: string): boolean {
  const a = tokens(source);
  const b = tokens(understood);
  if (!a || !b) return false;
  if (key(a) === key(b)) return true;
  return balanced(a) && key(a.filter((t) => !isParen(t))) === key(b.filter((t) => !isParen(t)));
}

function balanced(list: Token[]): boolean {
  let depth = 0;
  for (const t of list) {
    if (t.type === 'parenleft') depth++;
    if (t.type === 'parenright') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}
