import { sampleEvent } from '../../runtime/events/samples';
import type { FunctionInstance } from '../../runtime/function/instance';
import { readFunctionDefinition } from '../../runtime/function/definition';
import { compileFilter } from '../../runtime/routing/filter';
import { join } from 'node:path';
import { FUNCTIONS_DIR, loadExample, startSink, STATUS_CLASSES, type Sink } from './support';

describe('functions/microsoft-teams against a real HTTP server', () => {
  let sink: Sink;
  let fn: FunctionInstance;
  beforeAll(async () => {
    sink = await startSink();
    fn = loadExample('microsoft-teams', { webhookUrl: `${sink.url}/teams/webhook`, events: ['Order Completed', 'Signed Up'] });
  });
  afterAll(async () => {
    fn.dispose();
    await sink.close();
  });
  beforeEach(() => {
    sink.requests.length = 0;
    sink.answer = { status: 200, body: '1', contentType: 'text/plain' };
  });

  test('a chosen track event posts an Adaptive Card message', async () => {
    const outcome = await fn.invoke(sampleEvent('track'));
    expect(outcome).toMatchObject({ status: 'delivered', result: { status: 200, body: '1' } });
    expect(sink.requests).toHaveLength(1);
    const [req] = sink.requests;
    expect(req).toMatchObject({ method: 'POST', url: '/teams/webhook' });
    expect(req.headers['content-type']).toBe('application/json');
    const message = JSON.parse(req.body);
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    const card = message.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.content.body[0]).toMatchObject({ type: 'TextBlock', text: 'Order Completed' });
    expect(card.content.body[1].text).toBe('by user-1042 at 2026-11-20T18:04:05.123Z');
    expect(card.content.body[2].facts).toEqual([
      { title: 'orderId', value: 'A-1001' },
      { title: 'total', value: '82.5' },
      { title: 'currency', value: 'USD' },
      { title: 'products', value: '[{"sku":"T-42","name":"Tee","price":27.5,"quantity":3}]' },
    ]);
  });

  test('a track event not in settings.events is discarded as EventNotSupported without a request', async () => {
    const outcome = await fn.invoke({ ...sampleEvent('track'), event: 'Page Scrolled' });
    expect(outcome).toMatchObject({ status: 'discarded', reason: 'unsupported', error: { name: 'EventNotSupported' } });
    expect(outcome.error?.message).toContain('Page Scrolled');
    expect(sink.requests).toHaveLength(0);
  });

  test('other event types are discarded as EventNotSupported, and the function.json filter keeps them away', async () => {
    expect(await fn.invoke(sampleEvent('identify'))).toMatchObject({ status: 'discarded', error: { name: 'EventNotSupported' } });
    expect(sink.requests).toHaveLength(0);
    const def = readFunctionDefinition(join(FUNCTIONS_DIR, 'microsoft-teams'));
    const filter = compileFilter(def.name, def.config.filter);
    expect(filter.matches(sampleEvent('track'))).toBe(true);
    expect(filter.matches(sampleEvent('identify'))).toBe(false);
  });

  test.each(STATUS_CLASSES)('HTTP %i ⇒ %s (%s)', async (status, expected, errorName) => {
    sink.answer = { status, body: 'Webhook message delivery failed' };
    const outcome = await fn.invoke(sampleEvent('track'));
    expect(outcome.status).toBe(expected);
    expect(outcome.error?.name).toBe(errorName);
  });
});
