/**
 * The `AWS` global: a lazy namespace of AWS SDK v3 packages (Segment's runtime offered an AWS SDK;
 * v3 is the one supported on current Lambda runtimes and is preinstalled there).
 *
 *   const { S3Client, PutObjectCommand } = AWS.S3;          // = require('@aws-sdk/client-s3')
 *   const { DynamoDBDocument } = AWS.DynamoDBDocument;      // = require('@aws-sdk/lib-dynamodb')
 *
 * A property name maps to `@aws-sdk/client-<name in lower case>` (S3 → client-s3, SQS → client-sqs),
 * except the names in PACKAGE_OF below. A package is loaded on first access only; a package that is
 * not installed throws an Error naming it.
 */

const PACKAGE_OF: Record<string, string> = {
  SecretsManager: '@aws-sdk/client-secrets-manager',
  CloudWatch: '@aws-sdk/client-cloudwatch',
  CloudWatchLogs: '@aws-sdk/client-cloudwatch-logs',
  CloudFormation: '@aws-sdk/client-cloudformation',
  EventBridge: '@aws-sdk/client-eventbridge',
  DynamoDBDocument: '@aws-sdk/lib-dynamodb',
  SESv2: '@aws-sdk/client-sesv2',
};

export function awsPackageFor(name: string): string {
  return PACKAGE_OF[name] ?? `@aws-sdk/client-${name.toLowerCase()}`;
}

export function createAwsNamespace(load: (id: string) => unknown = require): object {
  const cache = new Map<string, unknown>();
  return new Proxy(Object.create(null) as object, {
    get(_target, key) {
      // Only service-like names: keeps `AWS.then`, inspect's probes and symbols undefined.
      if (typeof key !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(key)) return undefined;
      if (!cache.has(key)) cache.set(key, loadPackage(load, key));
      return cache.get(key);
    },
    set: () => false,
  });
}

function loadPackage(load: (id: string) => unknown, key: string): unknown {
  const pkg = awsPackageFor(key);
  try {
    return load(pkg);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(pkg)) {
      throw new Error(`AWS.${key}: the AWS SDK v3 package "${pkg}" is not installed`);
    }
    throw err;
  }
}
