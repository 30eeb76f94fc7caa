/**
 * Region and credentials of the `--aws` commands, found the way the AWS CLI finds them: --region, then
 * AWS_REGION, then AWS_DEFAULT_REGION (which the JS SDK alone ignores), then the region of the profile in the
 * shared config file; credentials of --profile, else AWS_PROFILE, else the environment and the default
 * profile. Every SDK client of a command is built from the one config this returns.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';

type CredentialsProvider = CloudFormationClient['config']['credentials'];

/** What the command line asks for (`--region`, `--profile`). */
export interface AwsTarget {
  region?: string;
  profile?: string;
}

/** Config for every SDK client of one command: `new XxxClient(config)`. */
export interface AwsClientConfig {
  region: string;
  profile?: string;
  credentials: CredentialsProvider;
}

export async function awsClientConfig(target: AwsTarget = {}, env: NodeJS.ProcessEnv = process.env): Promise<AwsClientConfig> {
  const profile = target.profile || undefined;
  const profileName = profile ?? (env.AWS_PROFILE || 'default');
  // The SDK's own providers read the shared config and credentials files (and AWS_PROFILE) for the profile.
  const sdk = new CloudFormationClient({ profile, region: target.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined });
  try {
    const region = await sdk.config.region().catch(() => undefined);
    if (!region) {
      throw new Error(
        `no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or set region for profile "${profileName}" ` +
        `in ${env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config')}`,
      );
    }
    const provider = sdk.config.credentials;
    const credentials: CredentialsProvider = async (options) => {
      try {
        return await provider(options);
      } catch (err) {
        throw new Error(
          `no AWS credentials for profile "${profileName}" (${err instanceof Error ? err.message : String(err)}): ` +
          `run \`aws configure --profile ${profileName}\` or \`aws sso login --profile ${profileName}\`, ` +
          'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile',
        );
      }
    };
    await credentials(); // fail here, clearly, rather than inside the first call
    return { region, ...(profile ? { profile } : {}), credentials };
  } finally {
    sdk.destroy();
  }
}
