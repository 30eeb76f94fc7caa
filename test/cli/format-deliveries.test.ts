/** `destfn deliveries`' table: the messageId whole, other cells cut to their column. */
import { formatDeliveries } from '../../runtime/cli/format-deliveries';
import type { DeliveryRecord } from '../../runtime/delivery/record';

const record = (messageId: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  function: 'webhook', messageId, status: 'delivered', attempts: 1, lastError: null, durationMs: 3,
  eventType: 'track', eventName: 'Order Completed', result: '{"ok":true}',
  firstSeenAt: '2026-12-01T00:30:08.000Z', updatedAt: '2026-12-01T00:30:08.000Z', version: '9b9b00a4ac4c', ...overrides,
});

test('a messageId is shown whole, however long (analytics-node makes 60 characters), and the columns stay aligned', () => {
  const node = 'node-next-1796085008606-5189f937-35b4-489d-bd58-c0d5a1b2c3d4';
  const longest = `custom-${'x'.repeat(93)}`;
  const lines = formatDeliveries([record(node), record(longest), record('m-1')]).trimEnd().split('\n');
  expect(lines[1]).toContain(`${node} `);
  expect(lines[2]).toContain(`${longest} `);
  const eventColumn = lines[0].indexOf('event ');
  expect(eventColumn).toBeGreaterThan(lines[0].indexOf('messageId') + longest.length);
  for (const line of lines.slice(1)) expect(line.indexOf('track "Order Completed"')).toBe(eventColumn);
});

test('other cells are cut to 30 characters with an ellipsis, the last column to 160', () => {
  const name = 'A very long event name that goes on and on';
  const [, row] = formatDeliveries([record('m-1', { eventName: name, status: 'failed', result: null, lastError: { name: 'RetryError', message: 'x'.repeat(300) } })]).split('\n');
  expect(row).toContain(`track "${name}"`.slice(0, 29) + '…');
  expect(row.split('  ').at(-1)).toHaveLength(160);
});
