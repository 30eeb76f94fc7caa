/**
 * The subset of CloudWatch Logs filter patterns the plane understands (anything else is refused, never ignored):
 * - empty pattern: every event;
 * - terms: bare words or "quoted phrases", all of which must occur in the message (case-sensitive);
 * - JSON: `{ $.path OP value }` joined by && / || (no parentheses), OP one of = != < > <= >=, value a "string",
 *   a bare word (`*` matches any characters for = and !=) or a number.
 * A JSON pattern reads the message as JSON, or (assumption) the JSON after a Lambda text-format prefix
 * "<time>\t<request id>\t<LEVEL>\t"; a message that is neither never matches.
 */
export type LogFilter = (message: string) => boolean;

export class UnsupportedFilterPattern extends Error {}

export function compileFilterPattern(pattern: string | undefined): LogFilter {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  return compileTerms(text);
}

function compileTerms(text: string): LogFilter {
  const terms: string[] = [];
  const token = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    if (m[1] !== undefined) terms.push(m[1].replace(/\\(.)/g, '$1'));
    else if (/^[?\-[]/.test(m[2])) throw new UnsupportedFilterPattern(`filter pattern not supported by the plane: ${text}`);
    else terms.push(m[2]);
  }
  return (message) => terms.every((t) => message.includes(t));
}

interface Comparison { path: string[]; op: string; value: string | number; quoted: boolean }

function compileJsonPattern(text: string): LogFilter {
  if (!text.endsWith('}')) throw new UnsupportedFilterPattern(`filter pattern not supported by the plane: ${text}`);
  const body = text.slice(1, -1);
  if (/[()]/.test(body.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) throw new UnsupportedFilterPattern(`parentheses are not supported by the plane: ${text}`);
  const alternatives = splitOutsideQuotes(body, '||').map((part) => splitOutsideQuotes(part, '&&').map((c) => parseComparison(c, text)));
  return (message) => {
    const json = jsonOf(message);
    return json !== undefined && alternatives.some((all) => all.every((c) => compare(c, json)));
  };
}

function parseComparison(text: string, pattern: string): Comparison {
  const match = /^\s*\$((?:\.[A-Za-z_][\w-]*|\[\d+\])+)\s*(=|!=|<=|>=|<|>)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*$/.exec(text);
  if (!match) throw new UnsupportedFilterPattern(`filter pattern not supported by the plane: ${pattern}`);
  const path = [...match[1].matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((p) => p[1] ?? p[2]);
  const quoted = match[3] !== undefined;
  const raw = quoted ? match[3].replace(/\\(.)/g, '$1') : match[4];
  const numeric = !quoted && /^-?\d+(\.\d+)?$/.test(raw);
  if (!['=', '!='].includes(match[2]) && !numeric) throw new UnsupportedFilterPattern(`${match[2]} needs a number: ${pattern}`);
  return { path, op: match[2], value: numeric ? Number(raw) : raw, quoted };
}

function compare(c: Comparison, json: unknown): boolean {
  let field: unknown = json;
  for (const key of c.path) {
    if (typeof field !== 'object' || field === null) return false;
    field = (field as Record<string, unknown>)[key];
  }
  if (field === undefined) return false;
  if (typeof c.value === 'number') {
    if (typeof field !== 'number') return c.op === '!=';
    switch (c.op) {
      case '=': return field === c.value;
      case '!=': return field !== c.value;
      case '<': return field < c.value;
      case '>': return field > c.value;
      case '<=': return field <= c.value;
      default: return field >= c.value;
    }
  }
  const equal = typeof field === 'string' && globMatch(c.value, field);
  return c.op === '=' ? equal : !equal;
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return regex.test(value);
}

function jsonOf(message: string): unknown {
  const candidates = [message];
  const lambdaPrefix = /^\S+\t\S+\t[A-Z]+\t(?=\{)/.exec(message);
  if (lambdaPrefix) candidates.push(message.slice(lambdaPrefix[0].length));
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === 'object' && value !== null) return value;
    } catch { /* not JSON */ }
  }
  return undefined;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && text.startsWith(separator, i)) {
      parts.push(current);
      current = '';
      i += separator.length - 1;
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}
