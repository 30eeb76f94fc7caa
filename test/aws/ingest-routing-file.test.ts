/** The deployed ingest Lambda's routing table: routing.json in its task root, queue URLs from one GetQueueUrl. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INGEST_ROUTING_FILE, type IngestRoutingFile } from '../../runtime/aws/contract';
import { loadIngestConfig } from '../../runtime/aws/ingest-config';

let taskRoot: string;
beforeEach(() => { taskRoot = mkdtempSync(join(tmpdir(), 'destfn-ingest-routing-')); });
afterEach(() => rmSync(taskRoot, { recursive: true, force: true }));

const ENV = { DESTFN_SOURCE_SECRETS: JSON.stringify({ web: 'arn:web' }) };
const BASE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/';

function writeRouting(routing: IngestRoutingFile | string): void {
  writeFileSync(join(taskRoot, INGEST_ROUTING_FILE), typeof routing === 'string' ? routing : JSON.stringify(routing));
}

test('queue names become URLs with a single lookup: every queue of the stack shares the account and region', async () => {
  writeRouting({ functions: [
    { name: 'a', queueName: 'Destfn-fn-a', sources: null, filter: null },
    { name: 'b', queueName: 'Destfn-fn-b', sources: ['web'], filter: 'type = "track"' },
  ] });
  const looked: string[] = [];
  const config = await loadIngestConfig(ENV, taskRoot, async (name) => { looked.push(name); return `${BASE}${name}`; });
  expect(looked).toEqual(['Destfn-fn-a']);
  expect(config).toEqual({
    functions: [
      { name: 'a', queueUrl: `${BASE}Destfn-fn-a` },
      { name: 'b', queueUrl: `${BASE}Destfn-fn-b`, sources: ['web'], filter: 'type = "track"' },
    ],
    sourceSecrets: { web: 'arn:web' },
  });
});

test('no function: no lookup', async () => {
  writeRouting({ functions: [] });
  const config = await loadIngestConfig(ENV, taskRoot, () => Promise.reject(new Error('no lookup expected')));
  expect(config.functions).toEqual([]);
});

test('DESTFN_FUNCTIONS, when set, is used instead of the file (tests and benches outside a stack)', async () => {
  const env = { ...ENV, DESTFN_FUNCTIONS: JSON.stringify([{ name: 'a', queueUrl: 'http://127.0.0.1:1/q/a', sources: null, filter: null }]) };
  const config = await loadIngestConfig(env, taskRoot, () => Promise.reject(new Error('no lookup expected')));
  expect(config.functions).toEqual([{ name: 'a', queueUrl: 'http://127.0.0.1:1/q/a' }]);
});

test('a missing or invalid file, and a URL that does not end with the name, are errors that say where', async () => {
  await expect(loadIngestConfig(ENV, taskRoot, async (n) => n)).rejects.toThrow(`routing table ${join(taskRoot, INGEST_ROUTING_FILE)}: ENOENT`);
  writeRouting('{"functions":[{"name":"a"}]}');
  await expect(loadIngestConfig(ENV, taskRoot, async (n) => n)).rejects.toThrow('routing table routing.json: functions.0.queueName');
  writeRouting({ functions: [{ name: 'a', queueName: 'Destfn-fn-a', sources: null, filter: null }] });
  await expect(loadIngestConfig(ENV, taskRoot, async () => `${BASE}other`)).rejects.toThrow('does not end with its name');
});
