/** Settings pointing at the dev sink of an engine on another port get a notice at start. */
import { sinkPortMismatches } from '../../runtime/local/dev-sink';
import { testEngine } from './helpers/engine';
import { tempProject, writeFunction } from './helpers/functions';

test('a sink URL on another port is named with the setting and the fix; the same port or another path is not', () => {
  expect(sinkPortMismatches('webhook', { url: 'http://localhost:3000/_sink/webhook', headers: {} }, 4000)).toEqual([
    'webhook: setting "url" points at the dev sink on port 3000, but this engine listens on 4000: edit functions/webhook/settings.json or start with --port 3000',
  ]);
  expect(sinkPortMismatches('webhook', { url: 'http://localhost:3000/_sink/webhook' }, 3000)).toEqual([]);
  expect(sinkPortMismatches('webhook', { url: 'http://127.0.0.1/_sink/x' }, 3000)).toHaveLength(1); // port 80
  expect(sinkPortMismatches('webhook', { url: 'http://localhost:3000/hook', n: 5 }, 4000)).toEqual([]);
  expect(sinkPortMismatches('webhook', { url: 'https://example.com/_sink/x' }, 4000)).toEqual([]);
});

test('the engine prints it when it starts', async () => {
  const project = tempProject();
  writeFunction(project.functionsDir, 'hook', {
    code: 'async function onTrack() {}',
    config: { settings: { url: { type: 'string' } } },
    settings: { url: 'http://localhost:3000/_sink/hook' },
  });
  const lines: string[] = [];
  const engine = await testEngine(project, { quiet: false, print: (line) => lines.push(line), prewarm: false });
  try {
    expect(engine.port).not.toBe(3000);
    expect(lines.join('\n')).toContain(`hook: setting "url" points at the dev sink on port 3000, but this engine listens on ${engine.port}`);
  } finally {
    await engine.stop();
    project.cleanup();
  }
});
