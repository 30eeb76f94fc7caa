/** runtime/aws/dedupe-lookahead.ts: a batch's dedupe lookups started at once, each taken once while fresh. */
import type { EventEntry } from '../../runtime/aws/delivery-item';
import { createDedupeLookahead } from '../../runtime/aws/dedupe-lookahead';

function setup(freshMs = 2000) {
  const clock = { now: 1_000 };
  const reads: string[] = [];
  let fail = false;
  const entries = new Map<string, EventEntry | null>();
  const lookahead = createDedupeLookahead(async (fn, messageId) => {
    reads.push(`${fn}/${messageId}`);
    if (fail) throw new Error('ProvisionedThroughputExceededException');
    return entries.get(messageId) ?? null;
  }, { freshMs, now: () => clock.now });
  return { clock, reads, entries, lookahead, failReads: (v: boolean) => { fail = v; } };
}

const entry = (messageId: string) => ({ record: { messageId, status: 'delivered' }, pack: 'p1', ttl: 1 }) as unknown as EventEntry;

test('an event takes the entry looked up when its batch arrived: one read per event, not one per turn', async () => {
  const t = setup();
  t.entries.set('b', entry('b'));
  t.lookahead.prefetch('fn', ['a', 'b', 'c']);
  expect(t.reads).toEqual(['fn/a', 'fn/b', 'fn/c']);
  await expect(t.lookahead.getEntry('fn', 'b')).resolves.toEqual(entry('b'));
  await expect(t.lookahead.getEntry('fn', 'a')).resolves.toBeNull();
  expect(t.reads).toHaveLength(3);
});

test('a second copy of a messageId reads again (the first copy may have been recorded since)', async () => {
  const t = setup();
  t.lookahead.prefetch('fn', ['dup', 'dup']);
  expect(t.reads).toEqual(['fn/dup']);
  await expect(t.lookahead.getEntry('fn', 'dup')).resolves.toBeNull();
  t.entries.set('dup', entry('dup'));
  await expect(t.lookahead.getEntry('fn', 'dup')).resolves.toEqual(entry('dup'));
  expect(t.reads).toEqual(['fn/dup', 'fn/dup']);
});

test('a lookup older than freshMs is read again when its event runs', async () => {
  const t = setup(2000);
  t.lookahead.prefetch('fn', ['slow']);
  t.entries.set('slow', entry('slow')); // recorded meanwhile, by another instance
  t.clock.now += 2001;
  await expect(t.lookahead.getEntry('fn', 'slow')).resolves.toEqual(entry('slow'));
  expect(t.reads).toEqual(['fn/slow', 'fn/slow']);
});

test('a failed lookup is read again; a read that fails again fails the event', async () => {
  const t = setup();
  t.failReads(true);
  t.lookahead.prefetch('fn', ['x', 'y']);
  t.failReads(false);
  await expect(t.lookahead.getEntry('fn', 'x')).resolves.toBeNull();
  t.failReads(true);
  await expect(t.lookahead.getEntry('fn', 'y')).rejects.toThrow('ProvisionedThroughputExceededException');
  expect(t.reads).toEqual(['fn/x', 'fn/y', 'fn/x', 'fn/y']);
});

test('clear() forgets the lookups no event took; functions do not share entries', async () => {
  const t = setup();
  t.lookahead.prefetch('fn', ['left']);
  t.lookahead.prefetch('other', ['left']);
  t.lookahead.clear();
  await t.lookahead.getEntry('fn', 'left');
  expect(t.reads).toEqual(['fn/left', 'other/left', 'fn/left']);
});
