/** Built-in sample events, one per type (like the Segment function editor's samples); used by `destfn run --event <type>`. */
import type { EventType, SegmentEvent } from './types';

const common = {
  anonymousId: '507f191e810c19729de860ea',
  userId: 'user-1042',
  timestamp: '2026-11-20T18:04:05.123Z',
  sentAt: '2026-11-20T18:04:05.456Z',
  context: {
    ip: '203.0.113.7',
    library: { name: 'analytics.js', version: '2.11.1' },
    locale: 'en-US',
    page: { path: '/checkout', referrer: 'https://example.com/cart', title: 'Checkout', url: 'https://example.com/checkout' },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  },
  integrations: {},
};

const SAMPLES: Record<EventType, SegmentEvent> = {
  track: {
    ...common, type: 'track', messageId: 'sample-track-0001', event: 'Order Completed',
    properties: { orderId: 'A-1001', total: 82.5, currency: 'USD', products: [{ sku: 'T-42', name: 'Tee', price: 27.5, quantity: 3 }] },
  },
  identify: {
    ...common, type: 'identify', messageId: 'sample-identify-0001',
    traits: { email: 'ada@example.com', name: 'Ada Lovelace', plan: 'pro', createdAt: '2025-03-01T10:00:00Z' },
  },
  page: {
    ...common, type: 'page', messageId: 'sample-page-0001', name: 'Checkout', category: 'Shop',
    properties: { path: '/checkout', url: 'https://example.com/checkout', title: 'Checkout' },
  },
  screen: {
    ...common, type: 'screen', messageId: 'sample-screen-0001', name: 'Home', properties: { variation: 'blue' },
    context: { app: { name: 'ExampleApp', version: '4.2.0' }, os: { name: 'iOS', version: '18.1' }, library: { name: 'analytics-ios', version: '4.1.0' } },
  },
  group: {
    ...common, type: 'group', messageId: 'sample-group-0001', groupId: 'acct-77',
    traits: { name: 'Initech', industry: 'Software', employees: 140, plan: 'enterprise' },
  },
  alias: { ...common, type: 'alias', messageId: 'sample-alias-0001', previousId: '507f191e810c19729de860ea', anonymousId: undefined },
  delete: { type: 'delete', messageId: 'sample-delete-0001', userId: 'user-1042', timestamp: '2026-11-20T18:10:00.000Z', context: {}, integrations: {} },
};

/** A fresh deep copy of the sample event of `type`. */
export function sampleEvent(type: EventType): SegmentEvent {
  return JSON.parse(JSON.stringify(SAMPLES[type])) as SegmentEvent;
}
