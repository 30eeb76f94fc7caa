/** What analytics.js asks of the ingest: its short paths, its settings and /v1/m. */
import { answerBrowserRequest, parseIngestRequest, type IngestRequest } from '../../runtime/ingest';
import { fixture, post, SOURCES, WRITE_KEY } from './support';

const NOW = new Date('2026-11-21T09:00:00.000Z');

const get = (path: string, headers: Record<string, string | undefined> = { host: '127.0.0.1:3000' }): IngestRequest =>
  ({ method: 'GET', path, headers, body: Buffer.alloc(0) });

describe('short paths (analytics.js)', () => {
  test.each([['t', 'track'], ['i', 'identify'], ['p', 'page'], ['s', 'screen'], ['g', 'group'], ['a', 'alias']])(
    'POST /v1/%s takes one %s event, text/plain with the write key in the body',
    (short, type) => {
      const event = { ...fixture(`${type}.json`), writeKey: WRITE_KEY };
      const result = parseIngestRequest(post(`/v1/${short}`, event, { 'content-type': 'text/plain', authorization: undefined }), SOURCES, NOW);
      expect(result).toMatchObject({ ok: true, source: 'web', events: [{ type, messageId: fixture<{ messageId: string }>(`${type}.json`).messageId }] });
    },
  );

  test('POST /v1/t refuses an event of another type, naming the endpoint', () => {
    const result = parseIngestRequest(post('/v1/t', fixture('identify.json')), SOURCES, NOW);
    expect(result).toMatchObject({ ok: false, status: 400, body: { error: expect.stringContaining('/v1/track') } });
  });

  test('POST /v1/b takes a batch, X-Retry-Count changes nothing', () => {
    const body = fixture<{ batch: Array<{ messageId: string }> }>('batch.json');
    const result = parseIngestRequest(post('/v1/b', body, { 'x-retry-count': '2' }), SOURCES, NOW);
    if (!result.ok) throw new Error(result.body.error);
    expect(result.events.map((e) => e.messageId)).toEqual(body.batch.map((e) => e.messageId));
  });

  test.each(['/v1/x', '/v1/m', '/v1/d', '/v1/tt'])('%s is not an ingest route (404)', (path) => {
    expect(parseIngestRequest(post(path, fixture('track.json')), SOURCES, NOW)).toMatchObject({ ok: false, status: 404 });
  });

  test('GET /v1/t is refused with 405', () => {
    expect(parseIngestRequest(get('/v1/t'), SOURCES, NOW)).toMatchObject({ ok: false, status: 405 });
  });
});

describe('settings (the CDN answer analytics.js loads from cdnURL)', () => {
  test('a known write key: Segment.io sends to this host over the given protocol, metrics off, nothing else to load', () => {
    const answer = answerBrowserRequest(get(`/v1/projects/${WRITE_KEY}/settings`), SOURCES, 'http');
    expect(answer).toEqual({
      status: 200,
      body: {
        integrations: {
          'Segment.io': {
            apiKey: WRITE_KEY, apiHost: '127.0.0.1:3000/v1', protocol: 'http',
            unbundledIntegrations: [], addBundledMetadata: false, maybeBundledConfigIds: {},
          },
        },
        plan: {},
        edgeFunction: {},
        analyticsNextEnabled: true,
        middlewareSettings: {},
        enabledMiddleware: {},
        metrics: { sampleRate: 0, host: '127.0.0.1:3000/v1' },
        legacyVideoPluginsEnabled: false,
        remotePlugins: [],
      },
    });
  });

  test('the host comes from the request (an AWS domain over https)', () => {
    const answer = answerBrowserRequest(get(`/v1/projects/${WRITE_KEY}/settings/`, { host: 'abc123.execute-api.eu-west-1.amazonaws.com' }), SOURCES, 'https');
    expect(answer?.body).toMatchObject({ integrations: { 'Segment.io': { apiHost: 'abc123.execute-api.eu-west-1.amazonaws.com/v1', protocol: 'https' } } });
  });

  test.each(['wk_nope', '%E0%A4%A', 'wk_mobile_abcdef0'])('an unknown write key (%j) gets 404 and no settings', (key) => {
    const answer = answerBrowserRequest(get(`/v1/projects/${key}/settings`), SOURCES, 'http');
    expect(answer).toEqual({ status: 404, body: { success: false, error: 'no source has this write key' } });
  });

  test('no Host, or a Host that cannot be a host name: 400', () => {
    for (const headers of [{}, { host: 'a b' }, { host: 'x"/><script>' }]) {
      expect(answerBrowserRequest(get(`/v1/projects/${WRITE_KEY}/settings`, headers), SOURCES, 'http')?.status).toBe(400);
    }
  });

  test('POST on the settings path: 405', () => {
    expect(answerBrowserRequest(post(`/v1/projects/${WRITE_KEY}/settings`, {}), SOURCES, 'http')?.status).toBe(405);
  });
});

describe('/v1/m (analytics.js usage metrics)', () => {
  test('POST is accepted and dropped, with or without a write key', () => {
    const metrics = { series: [{ type: 'Counter', metric: 'analytics_js.invoke', value: 1, tags: { type: 'track' } }] };
    expect(answerBrowserRequest(post('/v1/m', metrics, { authorization: undefined, 'content-type': 'text/plain' }), SOURCES, 'http'))
      .toEqual({ status: 200, body: { success: true } });
  });

  test('GET is 405', () => {
    expect(answerBrowserRequest(get('/v1/m'), SOURCES, 'http')?.status).toBe(405);
  });

  test('the ingest routes are not answered here', () => {
    for (const path of ['/v1/t', '/v1/track', '/v1/batch', '/webhook/hooks', '/v1/projects/x', '/v1/projects//settings']) expect(answerBrowserRequest(post(path, {}), SOURCES, 'http')).toBeNull();
  });
});
