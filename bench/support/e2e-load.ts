/** What the e2e benches send: batches of events to the engine, and the raw loop of single-event POSTs to the sink. */
import http from 'node:http';
import { benchEvent as event, inLanes, nodeFetchPost } from './bench-event';
import { ownCpuMs } from './proc-cpu';
import { now, type Sink } from './sink';

export const BATCH_SIZE = 100;

const keepAlive = new http.Agent({ keepAlive: true });

/** One POST of one event to the sink: Node's fetch (undici), or node-fetch 2 (what function code gets). */
type Client = (url: string, body: string) => Promise<void>;
export const clients: Record<'fetch' | 'node-fetch', Client> = {
  fetch: async (url, body) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`sink answered ${res.status}`);
  },
  'node-fetch': (url, body) => nodeFetchPost(url, body, keepAlive),
};

export interface RawLoopResult { rate: number; cpuUs: number }

/** `lanes` loops of POSTs of one event each to the sink, after a warm-up: events/s and CPU per event (µs, client + sink, this thread). */
export async function rawLoop(sink: Sink, total: number, lanes: number, client: keyof typeof clients, warmup = lanes * 200): Promise<RawLoopResult> {
  const url = `${sink.url}/baseline`;
  const post = () => clients[client](url, JSON.stringify(event('base', now())));
  if (warmup > 0) await inLanes(warmup, lanes, post); // connections, JIT
  sink.reset();
  const started = now();
  const cpu = ownCpuMs();
  await inLanes(total, lanes, post);
  return { rate: total / ((now() - started) / 1000), cpuUs: ((ownCpuMs() - cpu) * 1000) / total };
}

export interface LoadResult { started: number; acceptedAt: number; events: number }

/** `lanes` loops posting /v1/batch of BATCH_SIZE events until `batches` were accepted. */
export async function loadBatches(url: string, writeKey: string, batches: number, lanes: number, runId: string): Promise<LoadResult> {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  let next = 0;
  const started = now();
  const lane = async () => {
    while (next < batches) {
      next++;
      const sentAtMs = now();
      const body = JSON.stringify({ batch: Array.from({ length: BATCH_SIZE }, () => event(runId, sentAtMs)) });
      const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`engine answered ${res.status}: ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return { started, acceptedAt: now(), events: batches * BATCH_SIZE };
}
