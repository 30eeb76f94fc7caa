import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalSourceCredentials, readSourceNames } from '../../runtime/ingest/sources';

const made: string[] = [];
const tmp = () => { const dir = mkdtempSync(join(tmpdir(), 'destfn-sources-')); made.push(dir); return dir; };
afterAll(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });
const withEnv = <T>(value: string | undefined, fn: () => T): T => {
  const saved = process.env.DESTFN_WRITE_KEY;
  if (value === undefined) delete process.env.DESTFN_WRITE_KEY; else process.env.DESTFN_WRITE_KEY = value;
  try { return fn(); } finally { if (saved === undefined) delete process.env.DESTFN_WRITE_KEY; else process.env.DESTFN_WRITE_KEY = saved; }
};

describe('readSourceNames', () => {
  test('defaults to one source "dev" without destfn.config.json or without "sources"', () => {
    const root = tmp();
    expect(readSourceNames(root)).toEqual(['dev']);
    writeFileSync(join(root, 'destfn.config.json'), '{}');
    expect(readSourceNames(root)).toEqual(['dev']);
  });

  test('lists the configured sources', () => {
    const root = tmp();
    writeFileSync(join(root, 'destfn.config.json'), JSON.stringify({ sources: { web: { description: 'site' }, ios: {} } }));
    expect(readSourceNames(root)).toEqual(['web', 'ios']);
  });

  test.each([
    [{ sources: { 'bad name!': {} } }, /field "sources.bad name!": source names use/],
    [{ sources: { web: { writeKey: 'x' } } }, /field "sources.web"/],
    [{ sources: {} }, /declare at least one source/],
  ])('an invalid config names the file and field: %j', (config, message) => {
    const root = tmp();
    writeFileSync(join(root, 'destfn.config.json'), JSON.stringify(config));
    expect(() => readSourceNames(root)).toThrow(message);
    expect(() => readSourceNames(root)).toThrow('destfn.config.json');
  });
});

describe('loadLocalSourceCredentials', () => {
  test('generates a write key per source on first use, saves it owner-only (file 0600, a new data dir 0700), and keeps it', () => withEnv(undefined, () => {
    const root = tmp();
    const data = join(tmp(), 'data');
    writeFileSync(join(root, 'destfn.config.json'), JSON.stringify({ sources: { dev: {}, web: {} } }));
    const first = loadLocalSourceCredentials(readSourceNames(root), data);
    expect(first.map((s) => s.name)).toEqual(['dev', 'web']);
    expect(first[0].writeKey).toMatch(/^[0-9a-f]{32}$/);
    expect(first[0].writeKey).not.toBe(first[1].writeKey);
    expect(first[0].sharedSecret).toBeNull();
    expect(statSync(join(data, 'sources.json')).mode & 0o777).toBe(0o600);
    expect(statSync(data).mode & 0o777).toBe(0o700); // the data dir it created
    expect(loadLocalSourceCredentials(readSourceNames(root), data)).toEqual(first);
  }));

  test('a shared secret set in sources.json is used', () => withEnv(undefined, () => {
    const root = tmp();
    const data = tmp();
    writeFileSync(join(data, 'sources.json'), JSON.stringify({ dev: { writeKey: 'k1', sharedSecret: 's1' } }));
    expect(loadLocalSourceCredentials(readSourceNames(root), data)).toEqual([{ name: 'dev', writeKey: 'k1', sharedSecret: 's1' }]);
  }));

  test('DESTFN_WRITE_KEY overrides the write key of "dev" only', () => withEnv('from-env', () => {
    const root = tmp();
    writeFileSync(join(root, 'destfn.config.json'), JSON.stringify({ sources: { dev: {}, web: {} } }));
    const [dev, web] = loadLocalSourceCredentials(readSourceNames(root), tmp());
    expect(dev.writeKey).toBe('from-env');
    expect(web.writeKey).not.toBe('from-env');
  }));

  test('a corrupt sources.json is an error naming the file, without echoing its content', () => {
    const data = tmp();
    writeFileSync(join(data, 'sources.json'), '{"dev": {"writeKey": "topsecretkey" oops');
    expect(() => loadLocalSourceCredentials(readSourceNames(tmp()), data)).toThrow(/sources\.json: not valid JSON/);
    expect(() => loadLocalSourceCredentials(readSourceNames(tmp()), data)).not.toThrow(/topsecretkey/);
    writeFileSync(join(data, 'sources.json'), '{"dev": {"writeKey": ""}}');
    expect(() => loadLocalSourceCredentials(readSourceNames(tmp()), data)).toThrow(/field "dev.writeKey"/);
    expect(readFileSync(join(data, 'sources.json'), 'utf8')).toBe('{"dev": {"writeKey": ""}}');
  });
});
