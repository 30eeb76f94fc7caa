import { createRouter } from '../../runtime/routing/router';
import { sampleEvent } from '../../runtime/events/samples';

const track = sampleEvent('track');
const identify = sampleEvent('identify');

describe('createRouter', () => {
  const route = createRouter([
    { name: 'all' },
    { name: 'web-only', sources: ['web'] },
    { name: 'orders', filter: 'type = "track" and event = "Order Completed"' },
    { name: 'web-identify', sources: ['web', 'ios'], filter: 'type = "identify"' },
    { name: 'nobody', sources: [] },
  ]);

  test('delivers to subscribers of the source whose filter matches, in declaration order', () => {
    expect(route(track, 'web')).toEqual({ deliver: ['all', 'web-only', 'orders'], filtered: ['web-identify'] });
    expect(route(identify, 'web')).toEqual({ deliver: ['all', 'web-only', 'web-identify'], filtered: ['orders'] });
  });

  test('functions not subscribed to the source are neither delivered nor filtered', () => {
    expect(route(track, 'android')).toEqual({ deliver: ['all', 'orders'], filtered: [] });
    expect(route(identify, 'ios')).toEqual({ deliver: ['all', 'web-identify'], filtered: ['orders'] });
  });

  test('an invalid filter fails at creation, naming the function', () => {
    expect(() => createRouter([{ name: 'ok' }, { name: 'broken', filter: 'type = ' }])).toThrow(/^function "broken": invalid filter "type = "/);
  });
});
