/** The event every e2e load sends (the track sample, a fresh messageId, its send time), and the node-fetch POST of the raw loops. */
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

/** One POST of one event with node-fetch 2 and a keep-alive agent: the client function code gets. */
export async function nodeFetchPost(url: string, body: string, agent: http.Agent): Promise<void> {
  const res = await nodeFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, agent });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`sink answered ${res.status}`);
}
