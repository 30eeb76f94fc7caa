/**
 * Secrets Manager secrets holding a JSON object (a function's secret settings, a source's write key),
 * cached for SECRET_CACHE_SECONDS by Powertools parameters, with concurrent first reads sharing one call.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { isPlainObject } from '../events/plain-object';

export const SECRET_CACHE_SECONDS = 300;

export type SecretReader = (arn: string) => Promise<Record<string, unknown>>;

const inFlight = new Map<string, Promise<Record<string, unknown>>>();

export function getSecretObject(arn: string): Promise<Record<string, unknown>> {
  const pending = inFlight.get(arn);
  if (pending) return pending;
  const read = fetchSecretObject(arn).finally(() => inFlight.delete(arn));
  inFlight.set(arn, read);
  return read;
}

/** The last value read of each secret: the same text gives the same (frozen) object, not a new parse per event. */
const parsed = new Map<string, { raw: string; value: Readonly<Record<string, unknown>> }>();

async function fetchSecretObject(arn: string): Promise<Record<string, unknown>> {
  const raw = await getSecret<string>(arn, { maxAge: SECRET_CACHE_SECONDS });
  if (typeof raw !== 'string') throw new Error(`secret ${arn} has no string value`);
  const last = parsed.get(arn);
  if (last?.raw === raw) return last.value;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // JSON.parse quotes the text it choked on: never let secret text reach an error message.
    throw new Error(`secret ${arn} is not valid JSON`);
  }
  if (!isPlainObject(value)) throw new Error(`secret ${arn} must hold a JSON object`);
  const frozen = Object.freeze(value);
  parsed.set(arn, { raw, value: frozen });
  return frozen;
}
