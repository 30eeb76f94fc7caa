import type { SegmentEvent } from '../../../runtime/events/types';

let seq = 0;
const base = () => ({ messageId: `msg-${++seq}`, userId: 'user-1', timestamp: '2026-01-01T00:00:00.000Z', context: { ip: '203.0.113.7' } });

export const track = (extra: Record<string, unknown> = {}): SegmentEvent =>
  ({ ...base(), type: 'track', event: 'Order Completed', properties: { total: 82.5 }, ...extra }) as SegmentEvent;

export const sample = (type: SegmentEvent['type'], extra: Record<string, unknown> = {}): SegmentEvent =>
  ({ ...base(), type, ...(type === 'track' ? { event: 'Clicked' } : {}), ...extra }) as SegmentEvent;
