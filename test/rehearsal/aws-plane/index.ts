/**
 * A local AWS plane that enforces IAM, for the deploy rehearsal (issue 9).
 *
 * One HTTP server on 127.0.0.1 that every AWS SDK v3 client of the rehearsal reaches with
 * `AWS_ENDPOINT_URL=<plane.endpoint>`. Each call is attributed to a principal by the access key of its SigV4
 * credential scope, routed by the scope's service (sqs, dynamodb, secretsmanager, logs, cloudformation), turned into
 * the IAM request(s) AWS would check, and evaluated with @cloud-copilot/iam-simulate against the principal's policies
 * and the resource policy registered for the resource. Allowed calls are answered by fauxqs (SQS), dynalite
 * (DynamoDB) or the plane's fakes (Secrets Manager, CloudWatch Logs, CloudFormation DescribeStacks, SQS message move
 * tasks); denied calls get AccessDenied in the wire format of the service, so the SDK throws what it throws on AWS.
 *
 * Not reproduced: SigV4 signatures are not verified (the access key and session token are); condition keys beyond
 * aws:SecureTransport (always true: the SDK uses HTTPS on AWS), aws:PrincipalArn/Account/Type, aws:RequestedRegion,
 * aws:CurrentTime/EpochTime and dynamodb:LeadingKeys are absent; no SCPs, permission boundaries, session policies, KMS;
 * AccessDenied messages use AWS's wording without the policy ARN AWS adds for some explicit denies.
 * Account 000000000000 (fauxqs's and dynalite's), region us-east-1.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { startDynalite } from '../../aws/support/dynalite';
import { startFauxqs } from '../../aws/support/fauxqs';
import { Authorizer, type ContextValues, type Decision } from './authorizer';
import { CloudFormationService, type StackResource } from './cloudformation';
import { DynamoDbService } from './dynamodb';
import { LambdaControlService, type PlaneEventSourceMapping } from './lambda-control';
import { TableKeys } from './dynamodb-keys';
import { LogsService } from './logs';
import { PrincipalRegistry, type PlaneCredentials, type PlanePrincipal, type PolicyDocument } from './principals';
import { SecretsManagerService } from './secrets-manager';
import { startPlaneServer } from './server';
import { SqsService } from './sqs';
import { MessageMoveTasks } from './sqs-move-tasks';
import { SqsQueues } from './sqs-queues';

export type { Decision } from './authorizer';
export type { PlaneCredentials, PlanePrincipal, PolicyDocument } from './principals';

export const PLANE_ACCOUNT_ID = '000000000000';
export const PLANE_REGION = 'us-east-1';

export interface AwsPlaneOptions {
  /** Events per FilterLogEvents page (AWS: up to 10,000); small values exercise nextToken paging. */
  logsPageSize?: number;
}

export interface AwsPlane {
  /** For AWS_ENDPOINT_URL. */
  endpoint: string;
  accountId: string;
  region: string;
  /** Registers a principal; its calls are checked against `policies`. Returns the credentials it signs with. */
  addPrincipal(principal: PlanePrincipal): PlaneCredentials;
  /** The environment for a process whose SDK clients act as the principal (endpoint, region, credentials). */
  env(principalName: string): Record<string, string>;
  /**
   * Checks (and records) one request without making a call: for what AWS services do with a role (the SQS event
   * source mapping's ReceiveMessage/DeleteMessage, Lambda writing its logs).
   */
  authorize(principalName: string, action: string, resource: string, options?: { context?: ContextValues; operation?: string }): Promise<Decision>;
  /** A resource-based policy (e.g. an SQS queue policy from the template), evaluated with every call on that ARN. */
  setResourcePolicy(arn: string, document: PolicyDocument): void;
  arns: {
    queue(name: string): string;
    table(name: string): string;
    index(table: string, index: string): string;
    /** The bare log group ARN (CDK's logGroupArn adds ":*"). */
    logGroup(name: string): string;
    logStream(group: string, stream: string): string;
  };
  /** Unchecked clients (IAM bypassed, not recorded) for the test's own setup and assertions. */
  admin: {
    sqs: SQSClient;
    dynamodb: DynamoDBClient;
    secrets: SecretsManagerClient;
    logs: CloudWatchLogsClient;
    cloudformation: CloudFormationClient;
  };
  sqs: {
    /** Creates a queue in fauxqs; its URL is on the plane (<endpoint>/<account>/<name>). */
    createQueue(name: string, attributes?: Record<string, string>): Promise<{ url: string; arn: string }>;
    /** Resolves when every message move task started so far has finished. */
    moveTasksIdle(): Promise<void>;
  };
  secrets: {
    /** Creates a secret (no value yet when `value` is undefined); returns its ARN (name + "-" + 6 characters). */
    create(name: string, value?: string): string;
    /** The current value, for assertions. */
    read(secretId: string): string | undefined;
  };
  logs: {
    /** Appends events to a log stream (creating the group and stream); timestamps default to now. */
    put(group: string, stream: string, messages: string[], timestamps?: number[]): void;
  };
  /** Published Lambda versions and aliases (lambda-control.ts), as a deploy's AWS::Lambda::Version and ::Alias make them. */
  lambda: {
    publish(functionName: string, description: string, codeSha256: string): string;
    setAlias(functionName: string, alias: string, version: string): void;
    aliasVersion(functionName: string, alias: string): string | undefined;
    /** Registers an event source mapping the deploy started, for ListEventSourceMappings / UpdateEventSourceMapping; returns its UUID. */
    addEventSourceMapping(mapping: PlaneEventSourceMapping): string;
  };
  cloudformation: {
    /**
     * Creates or updates a stack for DescribeStacks; returns its ARN: `stackId` when given (the AWS::StackId the
     * template's policies were resolved with), else one made up (arn:aws:cloudformation:…:stack/<name>/<uuid>).
     */
    setStack(name: string, outputs: Record<string, string>, stackId?: string, resources?: StackResource[]): string;
  };
  /** Every IAM evaluation so far, in order. */
  decisions: readonly Decision[];
  denials(): Decision[];
  /** Drops the recorded denials a test expected (e.g. Operators may not change secrets); returns how many. */
  forgetDenials(expected: (denial: Decision) => boolean): number;
  /** Throws an Error naming each denied action, resource and principal. */
  assertNoDenials(): void;
  stop(): Promise<void>;
}

export async function startAwsPlane(options: AwsPlaneOptions = {}): Promise<AwsPlane> {
  const [fauxqs, dynalite, planeServer] = await Promise.all([startFauxqs(), startDynalite(), startPlaneServer()]);
  const accountId = PLANE_ACCOUNT_ID;
  const region = PLANE_REGION;
  const { endpoint } = planeServer;

  const principals = new PrincipalRegistry(accountId);
  const authorizer = new Authorizer(accountId, region);
  const queues = new SqsQueues(fauxqs.port, endpoint, accountId, region);
  const moves = new MessageMoveTasks(queues);
  const tableArn = (name: string) => `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
  const secrets = new SecretsManagerService(accountId, region);
  const logs = new LogsService(accountId, region, options.logsPageSize);
  const cloudformation = new CloudFormationService(accountId, region);
  const lambda = new LambdaControlService(accountId, region);
  const adminKey = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  planeServer.route({
    services: {
      sqs: new SqsService(queues, moves, fauxqs.port),
      dynamodb: new DynamoDbService(Number(new URL(dynalite.endpoint).port), new TableKeys(dynalite.client), tableArn),
      secretsmanager: secrets,
      logs,
      cloudformation,
      lambda,
    },
    principals,
    authorizer,
    adminAccessKeyId: adminKey,
  });

  const adminConfig = { endpoint, region, credentials: { accessKeyId: adminKey, secretAccessKey: randomBytes(20).toString('hex') } };
  const admin = {
    sqs: new SQSClient(adminConfig),
    dynamodb: new DynamoDBClient(adminConfig),
    secrets: new SecretsManagerClient(adminConfig),
    logs: new CloudWatchLogsClient(adminConfig),
    cloudformation: new CloudFormationClient(adminConfig),
  };
  const denials = () => authorizer.decisions.filter((d) => !d.allowed);

  return {
    endpoint,
    accountId,
    region,
    addPrincipal: (principal) => principals.add(principal),
    env: (name) => ({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: region, ...principals.byName(name).credentials }),
    authorize: (name, action, resource, opts = {}) =>
      authorizer.evaluate(principals.byName(name), opts.operation ?? 'authorize', { action, resource, context: opts.context }),
    setResourcePolicy: (arn, document) => authorizer.setResourcePolicy(arn, document),
    arns: {
      queue: (name) => queues.arnOfName(name),
      table: tableArn,
      index: (table, index) => `${tableArn(table)}/index/${index}`,
      logGroup: (name) => logs.groupArn(name),
      logStream: (group, stream) => `${logs.groupArn(group)}:log-stream:${stream}`,
    },
    admin,
    sqs: { createQueue: (name, attributes) => queues.create(name, attributes), moveTasksIdle: () => moves.idle() },
    secrets: { create: (name, value) => secrets.create(name, value), read: (id) => secrets.read(id) },
    logs: { put: (group, stream, messages, timestamps) => logs.put(group, stream, messages, timestamps) },
    lambda: {
      publish: (fn, description, sha) => lambda.publish(fn, description, sha),
      setAlias: (fn, alias, version) => lambda.setAlias(fn, alias, version),
      aliasVersion: (fn, alias) => lambda.aliasVersion(fn, alias),
      addEventSourceMapping: (mapping) => lambda.addEventSourceMapping(mapping),
    },
    cloudformation: { setStack: (name, outputs, stackId, resources) => cloudformation.setStack(name, outputs, stackId, resources) },
    decisions: authorizer.decisions,
    denials,
    forgetDenials(expected) {
      const before = authorizer.decisions.length;
      const kept = authorizer.decisions.filter((d) => d.allowed || !expected(d));
      authorizer.decisions.splice(0, authorizer.decisions.length, ...kept);
      return before - kept.length;
    },
    assertNoDenials() {
      const denied = denials();
      if (denied.length === 0) return;
      throw new Error(`AWS plane: ${denied.length} call(s) denied by IAM:\n${denied
        .map((d) => `- ${d.principal} (${d.callerArn}): ${d.action} on ${d.resource} [${d.operation}]: ${d.reason}`).join('\n')}`);
    },
    async stop() {
      await moves.idle();
      for (const client of Object.values(admin)) client.destroy();
      queues.direct.destroy();
      await planeServer.close();
      await Promise.all([fauxqs.stop(), dynalite.stop()]);
    },
  };
}
