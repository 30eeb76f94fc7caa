import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCheckpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from '../../runtime/local/checkpointer';
import { dbPath, openDb } from '../../runtime/local/db';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

test('commits reach the database file through the background thread, not the engine connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'destfn-ckpt-'));
  dirs.push(dir);
  const db = openDb(dir);
  const checkpointer = startCheckpointer(db);
  try {
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    const before = statSync(dbPath(dir)).size;
    const insert = db.prepare("INSERT INTO logs (function, message_id, at, lines) VALUES ('f', ?, 0, ?)");
    // ~4 MB: far below the fallback threshold (40 MB), so only the background thread can checkpoint it.
    db.transaction(() => { for (let i = 0; i < 1000; i++) insert.run(`m${i}`, 'x'.repeat(4000)); })();
    expect(await waitUntil(() => statSync(dbPath(dir)).size > before + 3_000_000, 5000)).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM logs').pluck().get()).toBe(1000);
  } finally {
    await checkpointer.stop();
    db.close();
  }
});

test('without it, the same commits stay in the WAL (the check above can fail)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'destfn-ckpt-'));
  dirs.push(dir);
  const db = openDb(dir);
  try {
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    const before = statSync(dbPath(dir)).size;
    const insert = db.prepare("INSERT INTO logs (function, message_id, at, lines) VALUES ('f', ?, 0, ?)");
    db.transaction(() => { for (let i = 0; i < 1000; i++) insert.run(`m${i}`, 'x'.repeat(4000)); })();
    await new Promise((r) => setTimeout(r, 400));
    expect(statSync(dbPath(dir)).size).toBeLessThan(before + 1_000_000);
  } finally {
    db.close();
  }
});
