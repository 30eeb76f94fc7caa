/** function.json `drop`, as the function instance applies it (runtime/function/instance.ts). */
import { sampleEvent } from '../../runtime/events/samples';
import { TmpFunctions } from './support/tmp-function';

describe('drop: privacy controls applied before the handler sees the event', () => {
  const tmp = new TmpFunctions();
  afterAll(() => tmp.cleanup());

  const echo = 'async function onTrack(event) { return event; }\nasync function onIdentify(event) { return event; }\n';

  test('dropped paths are absent from what the handler sees; other fields and the caller\'s event are untouched', async () => {
    const fn = tmp.instance({
      'index.js': echo,
      'function.json': { drop: ['context.ip', 'traits.email', 'properties.products', 'context.page.url', 'properties.absent.path'] },
    });
    const track = sampleEvent('track');
    const seen = (await fn.invoke(track)).result as { context: { ip?: unknown; page: Record<string, unknown> }; properties: Record<string, unknown> };
    expect(seen.context.ip).toBeUndefined();
    expect('ip' in seen.context).toBe(false);
    expect(seen.properties.products).toBeUndefined();
    expect('url' in seen.context.page).toBe(false);
    expect(seen.context.page.path).toBe('/checkout');
    expect(seen.properties.total).toBe(82.5);
    expect(track.context?.ip).toBe('203.0.113.7');

    const identify = (await fn.invoke(sampleEvent('identify'))).result as { traits: Record<string, unknown> };
    expect('email' in identify.traits).toBe(false);
    expect(identify.traits.name).toBe('Ada Lovelace');
  });

  test('without drop the handler sees the whole event', async () => {
    const fn = tmp.instance({ 'index.js': echo });
    const track = sampleEvent('track');
    expect((await fn.invoke(track)).result).toEqual(track);
  });
});
