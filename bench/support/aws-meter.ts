/**
 * A metering reverse proxy on 127.0.0.1 in front of an emulator (fauxqs for SQS, dynalite for DynamoDB): every
 * request and response goes through unchanged, and what AWS would bill for it is counted.
 * - SQS: one request per call, plus one more per further 64 KB of message payload (sent, or received).
 * - DynamoDB: the table's read/write units from the ConsumedCapacity the response carries (the store asks for
 *   it; dynalite computes it with DynamoDB's rules: 1 WRU per KB written, 1 RRU per 4 KB read strongly, half
 *   eventually); the units of each global secondary index are computed here with the same rules, because dynalite
 *   reports none (indexWriteUnits): 1 WRU per KB of the projected entry when a write adds or changes it (ALL: the
 *   whole item; KEYS_ONLY: the table key and the index keys), 1 when it removes it, a delete plus a put when it
 *   changes the index key, nothing when it changes no projected attribute. Each item's entries are remembered
 *   from the writes seen, so the table must be written only through this proxy. Code that does not ask for ConsumedCapacity
 *   (destfn before it did) gets its table units computed the same way from the item sizes (a put's new size).
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SqsCounts { calls: Map<string, number>; units: Map<string, number>; payloadBytes: number }
/** `indexWru`: the computed write units of each global secondary index, by index name. */
export interface DynamoCounts { calls: Map<string, number>; rru: number; wru: number; indexWru: Map<string, number> }

export interface Meter<C> { endpoint: string; port: number; counts: C; reset(): void; close(): Promise<void> }

const SQS_CHUNK = 64 * 1024;

type Json = Record<string, unknown>;

/** The operation of an AWS JSON-protocol call (X-Amz-Target "Service.Operation"), or of a query-protocol form. */
function operationOf(headers: IncomingHttpHeaders, body: string): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  return /(?:^|&)Action=([^&]+)/.exec(body)?.[1] ?? 'unknown';
}

function parse(text: string): Json {
  try { return JSON.parse(text) as Json; } catch { return {}; }
}

/** What a meter answers on its control path (meter-child.ts): GET /__meter, POST /__meter/reset. */
export interface MeterControl { counts(): string; reset(): void }

async function startProxy(
  targetPort: number, observe: (op: string, req: string, res: string) => void, control?: MeterControl,
): Promise<{ port: number; close(): Promise<void> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    if (control && req.url?.startsWith('/__meter')) {
      req.resume();
      if (req.method === 'POST') control.reset();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'POST' ? '{}' : control.counts());
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => {
          const answer = Buffer.concat(out);
          const text = body.toString('utf8');
          if ((up.statusCode ?? 500) < 300) observe(operationOf(req.headers, text), text, answer.toString('utf8'));
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(answer);
        });
      });
      upstream.on('error', (err) => { res.writeHead(502); res.end(String(err)); });
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); agent.destroy(); server.close(() => resolve()); }),
  };
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** SQS in front of fauxqs. `host` is what the SDK's endpoint names (fauxqs routes on it). */
export async function startSqsMeter(fauxqsPort: number, host = 'sqs.us-east-1.localhost', control?: MeterControl): Promise<Meter<SqsCounts>> {
  const counts: SqsCounts = { calls: new Map(), units: new Map(), payloadBytes: 0 };
  const proxy = await startProxy(fauxqsPort, (op, req, res) => {
    let payload = 0;
    if (op === 'SendMessage') payload = Buffer.byteLength(String(parse(req).MessageBody ?? ''));
    if (op === 'SendMessageBatch') {
      payload = ((parse(req).Entries ?? []) as Json[]).reduce((sum, e) => sum + Buffer.byteLength(String(e.MessageBody ?? '')), 0);
    }
    if (op === 'ReceiveMessage') {
      payload = ((parse(res).Messages ?? []) as Json[]).reduce((sum, m) => sum + Buffer.byteLength(String(m.Body ?? '')), 0);
    }
    add(counts.calls, op, 1);
    add(counts.units, op, Math.max(1, Math.ceil(payload / SQS_CHUNK)));
    counts.payloadBytes += payload;
  }, control);
  return {
    endpoint: `http://${host}:${proxy.port}`,
    port: proxy.port,
    counts,
    reset() { counts.calls.clear(); counts.units.clear(); counts.payloadBytes = 0; },
    close: proxy.close,
  };
}

/** An index whose units are computed here: its name, key attributes and projection (the table's key is `pk`). */
export interface IndexSpec { name: string; partition: string; sort: string; projection: 'ALL' | 'KEYS_ONLY' }

type AttributeValue = Record<string, unknown>;

/** DynamoDB's item size: attribute name bytes plus value bytes (numbers ~ digits/2 + 1, binary as bytes). */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  if (typeof value.S === 'string') return Buffer.byteLength(value.S);
  if (typeof value.N === 'string') return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (typeof value.B === 'string') return Buffer.from(value.B, 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if (Array.isArray(value.L)) return 3 + (value.L as AttributeValue[]).reduce((s, v) => s + 1 + valueSize(v), 0);
  if (value.M && typeof value.M === 'object') return 3 + itemSize(value.M as Record<string, AttributeValue>);
  return Buffer.byteLength(JSON.stringify(value));
}

const TABLE_KEY = 'pk';

/** What an index holds of an item: its index key ("partition\u0000sort") and a digest of its projected attributes. */
interface IndexEntry { key: string; digest: string }

/**
 * The write units a put of `item` costs in one index, by DynamoDB's rules, given the entry the item had there
 * (null: none); also the item's new entry.
 */
export function indexWriteUnits(
  index: IndexSpec, before: IndexEntry | null, item: Record<string, AttributeValue>,
): { units: number; entry: IndexEntry | null } {
  const p = item[index.partition]?.S;
  const s = item[index.sort]?.S;
  if (typeof p !== 'string' || typeof s !== 'string') return { units: before !== null ? 1 : 0, entry: null };
  const projected = index.projection === 'ALL'
    ? item
    : { [TABLE_KEY]: item[TABLE_KEY], [index.partition]: item[index.partition], [index.sort]: item[index.sort] };
  const entry = { key: `${p}\u0000${s}`, digest: createHash('sha1').update(canonical(projected)).digest('base64') };
  const put = Math.max(1, Math.ceil(itemSize(projected) / 1024));
  if (before === null) return { units: put, entry };
  if (before.key !== entry.key) return { units: 1 + put, entry };
  return { units: before.digest !== entry.digest ? put : 0, entry };
}

function canonical(item: Record<string, AttributeValue>): string {
  return JSON.stringify(Object.keys(item).sort().map((name) => [name, item[name]]));
}

export async function startDynamoMeter(dynalitePort: number, indexes: readonly IndexSpec[], control?: MeterControl): Promise<Meter<DynamoCounts>> {
  const noIndexWrites = () => new Map(indexes.map((index) => [index.name, 0]));
  const counts: DynamoCounts = { calls: new Map(), rru: 0, wru: 0, indexWru: noIndexWrites() };
  /** Per index: pk → the entry of its item, for the items the index holds. */
  const entries = new Map(indexes.map((index) => [index.name, new Map<string, IndexEntry>()]));
  const put = (item: Record<string, AttributeValue>) => {
    const pk = String(item[TABLE_KEY]?.S);
    for (const index of indexes) {
      const held = entries.get(index.name)!;
      const { units, entry } = indexWriteUnits(index, held.get(pk) ?? null, item);
      add(counts.indexWru, index.name, units);
      if (entry) held.set(pk, entry);
      else held.delete(pk);
    }
  };
  const proxy = await startProxy(dynalitePort, (op, req, res) => {
    add(counts.calls, op, 1);
    const consumed = parse(res).ConsumedCapacity as Json | Json[] | undefined;
    const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + Number(c.CapacityUnits ?? 0), 0);
    const body = parse(req);
    const isRead = op === 'BatchGetItem' || op === 'GetItem' || op === 'Query' || op === 'Scan';
    const measured = consumed !== undefined ? units : unitsBySize(op, body, parse(res));
    if (isRead) counts.rru += measured;
    else counts.wru += measured;
    if (op === 'PutItem') put(body.Item as Record<string, AttributeValue>);
    if (op === 'BatchWriteItem') {
      const requests = Object.values((body.RequestItems ?? {}) as Record<string, Json[]>).flat();
      // Unprocessed items were not written; they come back in a later request.
      const unprocessed = new Set(Object.values((parse(res).UnprocessedItems ?? {}) as Record<string, Json[]>).flat()
        .map((r) => JSON.stringify((r.PutRequest as Json | undefined)?.Item)));
      for (const r of requests) {
        const item = (r.PutRequest as Json | undefined)?.Item as Record<string, AttributeValue> | undefined;
        if (item && !unprocessed.has(JSON.stringify(item))) put(item);
      }
    }
  }, control);
  return {
    endpoint: `http://127.0.0.1:${proxy.port}`,
    port: proxy.port,
    counts,
    reset() { counts.calls.clear(); counts.rru = 0; counts.wru = 0; counts.indexWru = noIndexWrites(); },
    close: proxy.close,
  };
}

/** Table units by DynamoDB's rules when the response carries no ConsumedCapacity (BatchGetItem, BatchWriteItem). */
function unitsBySize(op: string, req: Json, res: Json): number {
  if (op === 'BatchWriteItem') {
    const unprocessed = Object.values((res.UnprocessedItems ?? {}) as Record<string, Json[]>).flat().length;
    const requests = Object.values((req.RequestItems ?? {}) as Record<string, Json[]>).flat();
    const sizes = requests.map((r) => itemSize(((r.PutRequest as Json | undefined)?.Item ?? {}) as Record<string, AttributeValue>));
    // Which ones were left unprocessed does not matter for a bench that sees none: count all when there are none.
    return unprocessed > 0 ? NaN : sizes.reduce((sum, size) => sum + Math.max(1, Math.ceil(size / 1024)), 0);
  }
  if (op === 'BatchGetItem') {
    let total = 0;
    for (const [table, request] of Object.entries((req.RequestItems ?? {}) as Record<string, Json>)) {
      const factor = request.ConsistentRead ? 1 : 0.5;
      const found = (((res.Responses ?? {}) as Record<string, Array<Record<string, AttributeValue>>>)[table] ?? []);
      const missing = ((request.Keys ?? []) as unknown[]).length - found.length;
      total += factor * (missing + found.reduce((sum, item) => sum + Math.max(1, Math.ceil(itemSize(item) / 4096)), 0));
    }
    return total;
  }
  return 0;
}

/** The counts of a meter-child.ts process, read over its control path. */
export async function readMeterCounts(port: number): Promise<{ sqs: SqsCounts; dynamo: DynamoCounts }> {
  const json = await (await fetch(`http://127.0.0.1:${port}/__meter`)).json() as {
    sqs: { calls: Array<[string, number]>; units: Array<[string, number]>; payloadBytes: number };
    dynamo: { calls: Array<[string, number]>; rru: number; wru: number; indexWru: Array<[string, number]> };
  };
  return {
    sqs: { calls: new Map(json.sqs.calls), units: new Map(json.sqs.units), payloadBytes: json.sqs.payloadBytes },
    dynamo: { ...json.dynamo, calls: new Map(json.dynamo.calls), indexWru: new Map(json.dynamo.indexWru) },
  };
}

export async function resetMeterCounts(port: number): Promise<void> {
  await fetch(`http://127.0.0.1:${port}/__meter/reset`, { method: 'POST' });
}
