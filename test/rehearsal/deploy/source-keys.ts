/** The write keys the deployed stack generated into Secrets Manager, as a user reads them (`<Source>SourceSecretArn` outputs). */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { AwsPlane } from '../aws-plane';
import type { DeployedStack } from './index';

/** By source name in lower case (`Web` → `web`). */
export async function sourceWriteKeys(plane: AwsPlane, stack: DeployedStack, sources: string[]): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const source of sources) {
    const secret = (await plane.admin.secrets.send(new GetSecretValueCommand({ SecretId: stack.outputs[`${source}SourceSecretArn`] }))).SecretString!;
    keys[source.toLowerCase()] = (JSON.parse(secret) as { writeKey: string }).writeKey;
  }
  return keys;
}
