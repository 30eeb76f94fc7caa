/** The real @segment/analytics-node client → local engine → the `webhook` example function → a real HTTP sink. */
import { Analytics } from '@segment/analytics-node';
import { postJson, waitFor, webhookEngine } from './helpers/engine';

const fx = webhookEngine('webhook');

function client(flushAt: number): Analytics {
  return new Analytics({ writeKey: fx.engine.writeKey, host: fx.engine.url, flushAt, flushInterval: 50, maxRetries: 0 });
}

const queueEmpty = () => Object.values(fx.engine.queue.depths()).every((d) => d.queued === 0);

test('identify, track, page, screen, group and alias each reach the fx.sink through webhook, with the right body, exactly once', async () => {
  const analytics = client(1);
  const errors: unknown[] = [];
  const cb = (err?: unknown) => { if (err) errors.push(err); };
  analytics.identify({ messageId: 'an-identify', userId: 'user-1', traits: { email: 'ada@example.com', plan: 'pro' } }, cb);
  analytics.track({ messageId: 'an-track', userId: 'user-1', event: 'Order Completed', properties: { total: 82.5, currency: 'USD' } }, cb);
  analytics.page({ messageId: 'an-page', anonymousId: 'anon-1', category: 'Docs', name: 'Getting Started', properties: { path: '/docs' } }, cb);
  analytics.screen({ messageId: 'an-screen', userId: 'user-1', name: 'Home', properties: { variant: 'b' } }, cb);
  analytics.group({ messageId: 'an-group', userId: 'user-1', groupId: 'org-9', traits: { name: 'Acme' } }, cb);
  analytics.alias({ messageId: 'an-alias', userId: 'user-1', previousId: 'anon-1' }, cb);
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([]);

  const ids = ['an-identify', 'an-track', 'an-page', 'an-screen', 'an-group', 'an-alias'];
  await waitFor('six deliveries', () => ids.every((id) => fx.sink.count(id) >= 1));
  await waitFor('queue drained', queueEmpty);
  await new Promise((r) => setTimeout(r, 300)); // anything extra would show up now
  for (const id of ids) expect(fx.sink.count(id)).toBe(1);

  const body = (id: string) => fx.sink.requests.find((r) => (r.json as { messageId: string }).messageId === id)!;
  expect(body('an-identify').json).toMatchObject({ type: 'identify', userId: 'user-1', traits: { email: 'ada@example.com', plan: 'pro' } });
  expect(body('an-track').json).toMatchObject({ type: 'track', userId: 'user-1', event: 'Order Completed', properties: { total: 82.5, currency: 'USD' } });
  expect(body('an-page').json).toMatchObject({ type: 'page', anonymousId: 'anon-1', name: 'Getting Started', properties: { path: '/docs' } });
  expect(body('an-screen').json).toMatchObject({ type: 'screen', userId: 'user-1', name: 'Home', properties: { variant: 'b' } });
  expect(body('an-group').json).toMatchObject({ type: 'group', userId: 'user-1', groupId: 'org-9', traits: { name: 'Acme' } });
  expect(body('an-alias').json).toMatchObject({ type: 'alias', userId: 'user-1', previousId: 'anon-1' });
  for (const id of ids) {
    const json = body(id).json as { receivedAt?: string; context?: { library?: { name?: string } } };
    expect(json.receivedAt).toEqual(expect.any(String));
    expect(json.context?.library?.name).toBe('@segment/analytics-node');
    expect(body(id).path).toBe('/hook');
    expect(body(id).headers['content-type']).toMatch(/application\/json/);
    expect(fx.engine.records.get('webhook', id)).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  }
});

test('a batching client (one /v1/batch of 40 events) gets each event delivered once', async () => {
  const analytics = client(40);
  for (let i = 0; i < 40; i++) analytics.track({ messageId: `an-batch-${i}`, userId: `u-${i}`, event: 'Batched', properties: { i } });
  await analytics.closeAndFlush({ timeout: 10_000 });
  await waitFor('40 deliveries', () => Array.from({ length: 40 }, (_, i) => `an-batch-${i}`).every((id) => fx.sink.count(id) >= 1));
  await waitFor('queue drained', queueEmpty);
  for (let i = 0; i < 40; i++) expect(fx.sink.count(`an-batch-${i}`)).toBe(1);
});

test('dedupe: a client resending delivered messageIds gets 200, and nothing is delivered again', async () => {
  const resend = { batch: [{ type: 'track', messageId: 'an-track', userId: 'user-1', event: 'Order Completed' }, { type: 'identify', messageId: 'an-identify', userId: 'user-1' }] };
  expect(await postJson(`${fx.engine.url}/v1/batch`, resend, fx.engine.writeKey)).toEqual({ status: 200, json: { success: true } });
  await waitFor('queue drained', queueEmpty);
  await new Promise((r) => setTimeout(r, 200));
  expect(fx.sink.count('an-track')).toBe(1);
  expect(fx.sink.count('an-identify')).toBe(1);
  expect(fx.engine.records.get('webhook', 'an-track')).toMatchObject({ status: 'delivered', attempts: 1 });
});
