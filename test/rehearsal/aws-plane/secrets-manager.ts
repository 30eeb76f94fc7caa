/**
 * A small stateful Secrets Manager (awsJson1_1, `X-Amz-Target: secretsmanager.<Op>`): CreateSecret, DescribeSecret,
 * GetSecretValue (AWSCURRENT only), PutSecretValue. ARNs end in "-" + 6 random characters as on AWS; a SecretId may be
 * the ARN or the name. AccessDenied messages name the SecretId as the caller gave it, as Secrets Manager does.
 * Values never appear in errors or decisions.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IamRequest } from './authorizer';
import { AwsFault, INVALID_TOKEN_MESSAGE, type AwsError } from './errors';
import type { PlaneService, ServiceCall } from './service';
import { stringField } from './service';
import { sendJson } from './wire';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

interface Secret {
  arn: string;
  name: string;
  created: number;
  changed: number;
  current?: { versionId: string; value: string; created: number };
}

export class SecretsManagerService implements PlaneService {
  readonly style = { protocol: 'json', contentType: CONTENT_TYPE } as const;
  readonly invalidToken: AwsError = { status: 400, code: 'UnrecognizedClientException', message: INVALID_TOKEN_MESSAGE };
  private readonly secrets = new Map<string, Secret>(); // by ARN

  constructor(private readonly accountId: string, private readonly region: string) {}

  accessDenied(message: string): AwsError {
    return { status: 400, code: 'AccessDeniedException', message, messageKey: 'Message' };
  }

  /** Creates a secret (with a first AWSCURRENT value unless `value` is undefined); returns its ARN. */
  create(name: string, value?: string): string {
    if (this.find(name)) throw resourceExists(name);
    const suffix = randomBytes(6).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 6);
    const now = Date.now();
    const secret: Secret = { arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`, name, created: now, changed: now };
    if (value !== undefined) secret.current = { versionId: randomUUID(), value, created: now };
    this.secrets.set(secret.arn, secret);
    return secret.arn;
  }

  /** The AWSCURRENT value, for the test's own assertions. */
  read(secretId: string): string | undefined {
    return this.find(secretId)?.current?.value;
  }

  async iamRequests({ operation, input }: ServiceCall): Promise<IamRequest[]> {
    const action = `secretsmanager:${operation}`;
    const id = stringField(input, operation === 'CreateSecret' ? 'Name' : 'SecretId');
    if (!id) return [{ action, resource: '*' }];
    const resource = this.find(id)?.arn ?? (id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${id}`);
    return [{ action, resource, shownResource: id }];
  }

  async handle({ operation, input, res }: ServiceCall): Promise<void> {
    sendJson(res, 200, this.answer(operation, input), CONTENT_TYPE);
  }

  private answer(operation: string, input: Record<string, unknown>): Record<string, unknown> {
    if (operation === 'CreateSecret') {
      const arn = this.create(stringField(input, 'Name') ?? '', stringField(input, 'SecretString'));
      const secret = this.secrets.get(arn)!;
      return { ARN: arn, Name: secret.name, ...(secret.current ? { VersionId: secret.current.versionId } : {}) };
    }
    const secret = this.find(stringField(input, 'SecretId') ?? '');
    if (!secret) throw notFound("Secrets Manager can't find the specified secret.");
    switch (operation) {
      case 'DescribeSecret':
        return {
          ARN: secret.arn, Name: secret.name, CreatedDate: seconds(secret.created), LastChangedDate: seconds(secret.changed),
          VersionIdsToStages: secret.current ? { [secret.current.versionId]: ['AWSCURRENT'] } : {},
        };
      case 'GetSecretValue': {
        const stage = stringField(input, 'VersionStage') ?? 'AWSCURRENT';
        const version = secret.current;
        if (!version || stage !== 'AWSCURRENT' || (input.VersionId !== undefined && input.VersionId !== version.versionId)) {
          throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
        }
        return {
          ARN: secret.arn, Name: secret.name, VersionId: version.versionId, SecretString: version.value,
          VersionStages: ['AWSCURRENT'], CreatedDate: seconds(version.created),
        };
      }
      case 'PutSecretValue': {
        const value = stringField(input, 'SecretString');
        if (value === undefined) throw new AwsFault({ status: 400, code: 'InvalidParameterException', message: 'You must provide either SecretString or SecretBinary.', messageKey: 'Message' });
        const now = Date.now();
        secret.current = { versionId: stringField(input, 'ClientRequestToken') ?? randomUUID(), value, created: now };
        secret.changed = now;
        return { ARN: secret.arn, Name: secret.name, VersionId: secret.current.versionId, VersionStages: ['AWSCURRENT'] };
      }
    }
    throw new AwsFault({ status: 400, code: 'UnknownOperationException', message: `the plane's Secrets Manager does not implement ${operation}` });
  }

  private find(secretId: string): Secret | undefined {
    const byArn = this.secrets.get(secretId);
    if (byArn) return byArn;
    return [...this.secrets.values()].find((s) => s.name === secretId || (secretId.startsWith('arn:') && s.arn.startsWith(`${secretId}-`)));
  }
}

function seconds(ms: number): number {
  return ms / 1000;
}

function notFound(message: string): AwsFault {
  return new AwsFault({ status: 400, code: 'ResourceNotFoundException', message, messageKey: 'Message' });
}

function resourceExists(name: string): AwsFault {
  return new AwsFault({ status: 400, code: 'ResourceExistsException', message: `The operation failed because the secret ${name} already exists.`, messageKey: 'Message' });
}
