/** The engine's database holds event payloads: its files are readable by their owner only. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbPath, openDb } from '../../runtime/local/db';
import { acquireEngineLock } from '../../runtime/local/lock';

const modeOf = (file: string) => statSync(file).mode & 0o777;
let root: string;

beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'destfn-db-mode-')); });
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('a new data dir: the database, its -wal and -shm are 0600', () => {
  const dataDir = join(root, '.destfn');
  const db = openDb(dataDir);
  db.exec('CREATE TABLE IF NOT EXISTS probe (x)');
  db.prepare('INSERT INTO probe VALUES (1)').run();
  const file = dbPath(dataDir);
  expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
  expect(modeOf(dataDir)).toBe(0o700);
  db.close();
});

test('a database left world-readable by an earlier version is tightened when opened', () => {
  const dataDir = join(root, '.destfn');
  openDb(dataDir).close();
  chmodSync(dbPath(dataDir), 0o644);
  writeFileSync(`${dbPath(dataDir)}-wal`, '');
  chmodSync(`${dbPath(dataDir)}-wal`, 0o644);
  const db = openDb(dataDir);
  expect(modeOf(dbPath(dataDir))).toBe(0o600);
  expect(modeOf(`${dbPath(dataDir)}-wal`)).toBe(0o600);
  db.close();
});

test('a data dir the engine lock creates first is 0700 too (the engine takes its lock before opening the database)', () => {
  const dataDir = join(root, 'nested', '.destfn');
  const release = acquireEngineLock(dataDir);
  try {
    expect(modeOf(dataDir)).toBe(0o700);
  } finally {
    release();
  }
});

test('the engine lock and pid files are 0600, also when an earlier version left them world-readable', () => {
  const dataDir = join(root, '.destfn');
  let release = acquireEngineLock(dataDir);
  expect([modeOf(join(dataDir, 'engine.lock')), modeOf(join(dataDir, 'engine.pid'))]).toEqual([0o600, 0o600]);
  release();
  chmodSync(join(dataDir, 'engine.lock'), 0o644);
  writeFileSync(join(dataDir, 'engine.pid'), '1', { mode: 0o644 });
  release = acquireEngineLock(dataDir);
  try {
    expect([modeOf(join(dataDir, 'engine.lock')), modeOf(join(dataDir, 'engine.pid'))]).toEqual([0o600, 0o600]);
  } finally {
    release();
  }
});
