/**
 * POST /_sink/<name>: a place for the example functions to deliver to out of the box
 * (their committed settings point at http://localhost:3000/_sink/<name>). Answers 200 {"ok":true},
 * prints a line, keeps the last few requests for the dev page. A function may send its secret settings
 * there; the sink cannot tell which function sent a request, so what it keeps and prints is redacted with
 * the secrets of every running function.
 */
import { createRedactor, noRedaction, type Redactor } from '../settings/redact';

export interface SinkHit { name: string; at: string; contentType: string | null; bytes: number; body: string }

const BODY_PREVIEW = 2048;

export class DevSink {
  private readonly hits: SinkHit[] = [];
  private total = 0;
  private redaction: { key: string; redact: Redactor } = { key: '[]', redact: noRedaction };

  /** @param secrets the secret setting values of the running functions (asked at each request: hot reload changes them). */
  constructor(
    private readonly keep = 50,
    private readonly print: ((line: string) => void) | null = null,
    private readonly secrets: () => readonly string[] = () => [],
  ) {}

  record(rawName: string, contentType: string | undefined, body: Buffer): SinkHit {
    const redact = this.redactor();
    const name = redact(rawName);
    const text = redact(body.toString('utf8'));
    const hit: SinkHit = {
      name,
      at: new Date().toISOString(),
      contentType: contentType ?? null,
      bytes: body.length,
      body: text.length > BODY_PREVIEW ? `${text.slice(0, BODY_PREVIEW)}…` : text,
    };
    this.total++;
    this.hits.push(hit);
    if (this.hits.length > this.keep) this.hits.shift();
    this.print?.(`sink ${name} ← ${body.length} bytes ${hit.body.slice(0, 120).replace(/\s+/g, ' ')}`);
    return hit;
  }

  /** Most recent first. */
  recent(name?: string): SinkHit[] {
    const hits = name === undefined ? this.hits : this.hits.filter((h) => h.name === name);
    return [...hits].reverse();
  }

  get count(): number { return this.total; }

  /** Built again only when the secrets changed. */
  private redactor(): Redactor {
    const secrets = this.secrets();
    const key = JSON.stringify(secrets);
    if (key !== this.redaction.key) this.redaction = { key, redact: createRedactor(secrets) };
    return this.redaction.redact;
  }
}

const SINK_URL = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?\/_sink\//i;

/**
 * Settings that point at the dev sink of an engine on another port (the examples' settings say
 * localhost:3000, and `npm start -- --port 4000` would leave them failing and retrying).
 */
export function sinkPortMismatches(fn: string, settings: Record<string, unknown>, port: number): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    const match = typeof value === 'string' ? SINK_URL.exec(value) : null;
    if (!match) continue;
    const target = Number(match[1] ?? ((value as string).toLowerCase().startsWith('https') ? 443 : 80));
    if (target !== port) {
      out.push(`${fn}: setting "${name}" points at the dev sink on port ${target}, but this engine listens on ${port}: `
        + `edit functions/${fn}/settings.json or start with --port ${target}`);
    }
  }
  return out;
}
