/** Ingest sources on AWS: one Secrets Manager secret per source, JSON {"writeKey":"…","sharedSecret"?:"…"}. */
import type { SourceCredentials } from '../ingest';
import { getSecretObject, type SecretReader } from './secrets';

/**
 * Reads every source's credentials (cached by the secret reader). A source whose secret lacks a write key is
 * left out (its requests get 401); a failed read rejects, so the caller answers 503 and the client retries.
 */
export async function loadSourceCredentials(
  sourceSecrets: Readonly<Record<string, string>>,
  readSecret: SecretReader = getSecretObject,
): Promise<SourceCredentials[]> {
  const entries = Object.entries(sourceSecrets);
  const values = await Promise.all(entries.map(([, arn]) => readSecret(arn)));
  const sources: SourceCredentials[] = [];
  entries.forEach(([name], i) => {
    const { writeKey, sharedSecret } = values[i];
    if (typeof writeKey !== 'string' || writeKey === '') return;
    sources.push({ name, writeKey, sharedSecret: typeof sharedSecret === 'string' && sharedSecret !== '' ? sharedSecret : null });
  });
  return sources;
}
