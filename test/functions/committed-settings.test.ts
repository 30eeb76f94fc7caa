import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFunctionDefinition } from '../../runtime/function/definition';
import { resolveSettings } from '../../runtime/settings/resolve';
import { FUNCTIONS_DIR } from './support';

const EXAMPLES: Array<[string, Record<string, unknown>]> = [
  ['google-cloud-function', { httpTrigger: 'http://localhost:3000/_sink/google-cloud-function' }],
  ['webhook', { url: 'http://localhost:3000/_sink/webhook' }],
  ['microsoft-teams', { webhookUrl: 'http://localhost:3000/_sink/microsoft-teams', events: ['Order Completed'] }],
];

describe.each(EXAMPLES)('functions/%s', (name, committed) => {
  const def = readFunctionDefinition(join(FUNCTIONS_DIR, name));
  const values = JSON.parse(readFileSync(join(def.dir, 'settings.json'), 'utf8')) as Record<string, unknown>;

  test('is a script-style function', () => {
    expect(def.source.style).toBe('script');
    expect(def.source.filename.endsWith('index.js')).toBe(true);
  });

  test('is local only ("deploy": false): its settings deliver to the local engine, which on Lambda would be the Lambda', () => {
    expect(def.config.deploy).toBe(false);
  });

  test('its committed settings.json holds exactly the local-sink values, nothing secret, and resolves', () => {
    expect(values).toEqual(committed);
    const secret = Object.entries(def.config.settings).filter(([, spec]) => spec.secret).map(([key]) => key);
    expect(secret.some((key) => key in values)).toBe(false);
    expect(resolveSettings(def, values)).toMatchObject(committed);
  });
});
