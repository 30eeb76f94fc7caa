/** The destination Lambda's function loading: once per cold start, settings from settings.json + the secret. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { rmSync } from 'node:fs';
import { createFunctionLoader } from '../../runtime/aws/function-loader';
import { getSecretObject } from '../../runtime/aws/secrets';
import type { SegmentEvent } from '../../runtime/events/types';
import { useFakeAwsEnv } from './support/aws-env';
import { tempRoot, writeFunctionDir } from './support/function-dir';

const CODE = `
var loads = (typeof loads === 'number' ? loads : 0) + 1;
async function onTrack(event, settings) { return { channel: settings.channel, key: settings.apiKey, loads: loads }; }
`;
const event = { type: 'track', event: 'x', userId: 'u', messageId: 'm1' } as SegmentEvent;

let root: string;
let dir: string;
beforeAll(() => {
  root = tempRoot('destfn-loader-');
  dir = writeFunctionDir(root, {
    name: 'notify', code: CODE,
    functionJson: { settings: { channel: { type: 'string', required: true }, apiKey: { type: 'string', required: true, secret: true } } },
    settings: { channel: 'ops' },
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createFunctionLoader', () => {
  it('combines settings.json with the secret settings, and reuses one instance while they are unchanged', async () => {
    let secret: Record<string, unknown> = { apiKey: 'key-one-1234', channel: 'ignored: not a secret setting' };
    const readSecret = jest.fn(async () => secret);
    const loader = createFunctionLoader({ dir, secretArn: 'arn:secret', readSecret });

    const first = await loader.instance();
    expect(await loader.instance()).toBe(first);
    expect((await first.invoke(event)).result).toEqual({ channel: 'ops', key: '[REDACTED]', loads: 1 });
    expect(readSecret).toHaveBeenCalledWith('arn:secret');

    secret = { apiKey: 'key-two-5678' }; // `destfn secrets set --aws`, seen once the 5-minute cache expires
    const second = await loader.instance();
    expect(second).not.toBe(first);
    expect((await second.invoke(event)).status).toBe('delivered');
  });

  it('rejects with the missing required secret named, so the handler retries the event', async () => {
    const loader = createFunctionLoader({ dir, secretArn: 'arn:secret', readSecret: async () => ({}) });
    expect(loader.definition().config.settings.apiKey.secret).toBe(true);
    await expect(loader.instance()).rejects.toThrow('function "notify": setting "apiKey" is required');
  });
});

describe('createFunctionLoader with the real secret reader (Secrets Manager mocked)', () => {
  const secrets = mockClient(SecretsManagerClient);
  let restoreEnv: () => void;
  beforeAll(() => { restoreEnv = useFakeAwsEnv(); });
  afterAll(() => { secrets.restore(); restoreEnv(); });
  beforeEach(() => secrets.reset());

  it('never calls Secrets Manager for a function without secret settings (apiKey redefined as not secret)', async () => {
    const plain = writeFunctionDir(root, {
      name: 'plain', code: CODE,
      functionJson: { settings: { channel: { type: 'string', required: true }, apiKey: { type: 'string' } } },
      settings: { channel: 'ops', apiKey: 'public-key' },
    });
    secrets.on(GetSecretValueCommand).rejects(new Error('Secrets Manager must not be called'));
    const loader = createFunctionLoader({ dir: plain, secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:plain' });

    const instance = await loader.instance();
    expect(await loader.instance()).toBe(instance);
    expect((await instance.invoke(event)).result).toEqual({ channel: 'ops', key: 'public-key', loads: 1 });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('reads the secret of a function with secret settings (the default apiKey is one)', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:with-default-key';
    const withKey = writeFunctionDir(root, { name: 'with-default-key', code: CODE, functionJson: {}, settings: {} });
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ apiKey: 'key-from-secret-1234' }) });
    const loader = createFunctionLoader({ dir: withKey, secretArn: arn });

    expect((await (await loader.instance()).invoke(event)).result).toMatchObject({ key: '[REDACTED]' });
    expect(secrets.commandCalls(GetSecretValueCommand, { SecretId: arn })).toHaveLength(1);
  });

  it('gives every event of a warm instance the same parsed secret (frozen) while its text is unchanged', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:parsed-once';
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ apiKey: 'key-parsed-once-1234' }) });
    const first = await getSecretObject(arn);
    const again = await getSecretObject(arn);
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ apiKey: 'key-parsed-once-1234' });
  });
});
