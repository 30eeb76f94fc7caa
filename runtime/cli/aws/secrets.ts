/**
 * `destfn secrets set <fn> KEY=VALUE --aws`: merge values into the function's Secrets Manager secret
 * (GetSecretValue + PutSecretValue). Only settings function.json declares secret are accepted: non-secret
 * settings are configuration, deployed from settings.json. Destination Lambdas see new values within 5 minutes.
 */
import { GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { join, resolve } from 'node:path';
import { isPlainObject } from '../../events/plain-object';
import { parseFunctionName, readFunctionConfig } from '../../function';
import { functionResources } from './function-resources';
import { withClientConfig, type AwsOpsOptions } from './stack-outputs';

export interface SetSecretsOptions extends AwsOpsOptions {
  /** Where the function folders are (to check the setting names); default ./functions. */
  functionsDir?: string;
}

/** Returns the names that were set. Throws before writing anything when a name is not a declared secret. */
export async function setSecretsAws(fn: string, values: Readonly<Record<string, unknown>>, options: SetSecretsOptions = {}): Promise<string[]> {
  // An instance `<folder>:<instance>` declares its settings in its folder's function.json.
  const specs = readFunctionConfig(join(resolve(options.functionsDir ?? 'functions'), parseFunctionName(fn).folder)).settings;
  const names = Object.keys(values);
  if (names.length === 0) throw new Error('nothing to set');
  for (const name of names) {
    const spec = specs[name];
    if (!spec) throw new Error(`function "${fn}" has no setting "${name}" (settings: ${Object.keys(specs).join(', ') || 'none'})`);
    if (!spec.secret) {
      throw new Error(`setting "${name}" of "${fn}" is not secret: put it in functions/${fn}/settings.json and run \`npx cdk deploy\``);
    }
  }
  const opts = await withClientConfig(options);
  const { secretArn } = await functionResources(fn, opts);
  const client = new SecretsManagerClient(opts.clientConfig);
  try {
    const current = await readCurrent(client, secretArn);
    await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ ...current, ...values }) }));
    return names;
  } finally {
    client.destroy();
  }
}

async function readCurrent(client: SecretsManagerClient, secretArn: string): Promise<Record<string, unknown>> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return {}; // no value stored yet
    throw err;
  }
  if (!text) return {};
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  // Never quote the stored text: it is a secret.
  if (!isPlainObject(parsed)) throw new Error(`secret ${secretArn} does not hold a JSON object; fix it in the console first`);
  return parsed;
}
