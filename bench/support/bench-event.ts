/** The event every e2e load sends (the track sample, a fresh messageId, its send time), and the raw loops' POSTs. */
import type http from 'node:http';
import nodeFetch from 'node-fetch';
import { sampleEvent } from '../../runtime/events/samples';

let seq = 0;
const template = sampleEvent('track');

export function benchEvent(runId: string, sentAtMs: number): Record<string, unknown> {
  const n = seq++;
  return {
    ...template,
    messageId: `bench-${runId}-${n}`,
    userId: `user-${n % 1000}`,
    properties: { ...(template as { properties: object }).properties, sentAtMs },
  };
}

/** `send` called `total` times over `lanes` loops, each awaiting its previous call (that many requests in flight). */
export async function inLanes(total: number, lanes: number, send: () => Promise<void>): Promise<void> {
  let left = total;
  const lane = async () => {
    while (left > 0) {
      left--;
      await send();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

/** One POST of one event with node-fetch 2 and a keep-alive agent: the client function code gets. */
export async function nodeFetchPost(url: string, body: string, agent: http.Agent): Promise<void> {
  const res = await nodeFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, agent });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`sink answered ${res.status}`);
}
