/**
 * An ingest whose commit fails leaves nothing behind, not even in the engine's memory: the queue's first lease takes
 * rows this engine inserted from memory (fresh-rows.ts), and SQLite gives a rolled-back row's id to the next row
 * inserted. Here that next row comes from a DLQ replay, which never passes through that memory.
 */
import Database from 'better-sqlite3';
import { dbPath } from '../../runtime/local/db';
import * as replayCli from '../../runtime/cli/replay';
import { runCli } from './helpers/cli';
import { postJson, track, waitFor, webhookEngine } from './helpers/engine';

const fx = webhookEngine('hook');

test('a replayed event that gets the id of an ingest that rolled back is delivered as itself', async () => {
  const { queue } = fx.engine;
  const insertMessages = queue.insertMessages.bind(queue);
  // The rows go in, then the disk fills: the transaction rolls back after this engine has seen them.
  queue.insertMessages = (...args) => {
    insertMessages(...args);
    throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
  };
  try {
    expect((await postJson(`${fx.engine.url}/v1/track`, track('never-stored'), fx.engine.writeKey)).status).toBe(503);
  } finally {
    queue.insertMessages = insertMessages;
  }
  expect(fx.engine.queue.depths().hook?.queued ?? 0).toBe(0);

  const db = new Database(dbPath(fx.project.dataDir));
  try {
    const now = Date.now();
    db.prepare(`INSERT INTO dlq (function, message_id, event, event_type, event_name, attempts, last_error, enqueued_at, failed_at)
      VALUES ('hook', 'from-dlq', ?, 'track', 'Order Completed', 3, NULL, ?, ?)`).run(JSON.stringify(track('from-dlq')), now, now);
  } finally {
    db.close();
  }
  const replay = await runCli(replayCli.main, ['hook', '--data', fx.project.dataDir]);
  expect(replay).toMatchObject({ code: 0, stdout: expect.stringContaining('moved 1 event(s) from the DLQ of "hook"') });

  await waitFor('a delivery', () => fx.sink.requests.length > 0);
  expect(fx.sink.messageIds()).toEqual(['from-dlq']);
});
