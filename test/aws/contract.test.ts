/** The stack ↔ Lambda contract: what the stack side writes, the Lambda side reads back; names as deployed. */
import {
  destinationEnvironment, functionResourceNames, functionStackLogicalId, ingestEnvironment, pascalCase, readDestinationConfig, readPowertoolsConfig,
  recordKey, recordKeyPrefix, sourceSecretOutputName, type DestinationConfig, type IngestEnvironment,
} from '../../runtime/aws/contract';
import { readIngestConfig } from '../../runtime/aws/ingest-config';

describe('destination Lambda environment', () => {
  const config: DestinationConfig = {
    functionName: 'teams-notify',
    functionDir: 'function',
    tableName: 'Deliveries',
    secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:teams',
    queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/teams',
    recordConcurrency: 5,
  };

  it('reads back what the stack writes, the function folder under the task root', () => {
    const env = { ...destinationEnvironment(config), LAMBDA_TASK_ROOT: '/var/task' };
    expect(readDestinationConfig(env)).toEqual({ ...config, functionDir: '/var/task/function' });
    expect(readPowertoolsConfig(env)).toEqual({ serviceName: 'destfn', metricsNamespace: 'destfn' });
  });

  it('names what is missing; record concurrency falls back to 10', () => {
    const env = destinationEnvironment(config);
    expect(() => readDestinationConfig({ ...env, DESTFN_SECRET_ARN: undefined })).toThrow('environment variable DESTFN_SECRET_ARN is not set');
    expect(readDestinationConfig({ ...env, DESTFN_RECORD_CONCURRENCY: '0' }).recordConcurrency).toBe(10);
    expect(readPowertoolsConfig({})).toEqual({ serviceName: 'destfn', metricsNamespace: 'destfn' });
  });
});

describe('ingest Lambda environment', () => {
  it('reads back what the stack writes (null sources and filter: every event)', () => {
    const values: IngestEnvironment = {
      functions: [
        { name: 'a', queueUrl: 'https://q/a', sources: null, filter: null },
        { name: 'b', queueUrl: 'https://q/b', sources: ['web'], filter: 'type = "track"' },
      ],
      sourceSecrets: { web: 'arn:web' },
    };
    expect(readIngestConfig(ingestEnvironment(values))).toEqual({
      functions: [{ name: 'a', queueUrl: 'https://q/a' }, { name: 'b', queueUrl: 'https://q/b', sources: ['web'], filter: 'type = "track"' }],
      sourceSecrets: { web: 'arn:web' },
    });
  });
});

describe('stack output names and function resource names', () => {
  it('PascalCase of the function or source name', () => {
    expect(functionStackLogicalId('teams-notify')).toBe('FunctionTeamsNotify');
    expect(sourceSecretOutputName('web_shop2')).toBe('WebShop2SourceSecretArn');
    expect(() => pascalCase('--')).toThrow('name "--" has no letters or digits');
  });
});

describe('function resource names', () => {
  it('stack name + function name; queues and DLQs have different prefixes; an instance\'s ":" is "--"', () => {
    expect(functionResourceNames('Destfn', 'teams-notify')).toEqual({
      queue: 'Destfn-fn-teams-notify',
      dlq: 'Destfn-dlq-teams-notify',
      lambda: 'Destfn-fn-teams-notify',
      logGroup: '/destfn/Destfn/functions/teams-notify',
      secret: 'destfn/Destfn/functions/teams-notify',
    });
    expect(functionResourceNames('Destfn', 'orders:eu').queue).toBe('Destfn-fn-orders--eu');
  });
});

describe('delivery record keys', () => {
  it('"<function>#<messageId>", and every key of a function starts with its prefix', () => {
    expect(recordKey('orders', 'm-1')).toBe('orders#m-1');
    expect(recordKeyPrefix('orders')).toBe('orders#');
    expect(recordKey('orders', 'm-1').startsWith(recordKeyPrefix('orders'))).toBe(true);
    // A function whose name extends another's does not share its prefix.
    expect(recordKey('orders-eu', 'm-1').startsWith(recordKeyPrefix('orders'))).toBe(false);
  });
});
