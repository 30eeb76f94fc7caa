import { FreshRows, type FreshRow } from '../../runtime/local/fresh-rows';

const row = (event: string): FreshRow => ({ messageId: event, event, eventType: 'track', eventName: null, enqueuedAt: 1 });

test('a row is taken once', () => {
  const rows = new FreshRows();
  rows.add(1, row('{"a":1}'));
  expect(rows.take(1)?.event).toBe('{"a":1}');
  expect(rows.take(1)).toBeUndefined();
});

test('beyond its size it keeps nothing more, and room taken or dropped is free again', () => {
  const rows = new FreshRows(10);
  rows.add(1, row('12345'));
  rows.add(2, row('12345'));
  rows.add(3, row('1'));
  expect([rows.size, rows.take(3)]).toEqual([2, undefined]);
  rows.drop(1);
  rows.add(3, row('1'));
  expect(rows.take(3)?.event).toBe('1');
  rows.take(2);
  rows.add(4, row('1234567890'));
  expect(rows.take(4)?.event).toBe('1234567890');
});

test('an id added again holds the newer row; clear forgets everything', () => {
  const rows = new FreshRows(10);
  rows.add(1, row('12345'));
  rows.add(1, row('123456789'));
  expect(rows.size).toBe(1);
  rows.clear();
  rows.add(2, row('1234567890'));
  expect([rows.take(1), rows.take(2)?.event]).toEqual([undefined, '1234567890']);
});
