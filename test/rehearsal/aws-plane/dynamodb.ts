/**
 * DynamoDB (awsJson1_0, `X-Amz-Target: DynamoDB_20120810.<Op>`) in front of dynalite; allowed calls are forwarded
 * byte for byte. IAM: action dynamodb:<Op> (transactions: the item action of each member), one evaluation per table
 * of a batch, the index ARN for Query/Scan on an index, and dynamodb:LeadingKeys when the request names partition
 * keys. Other DynamoDB condition keys (Attributes, Select, ReturnValues…) are not set.
 */
import type { IamRequest } from './authorizer';
import { INVALID_TOKEN_MESSAGE, type AwsError } from './errors';
import { leadingKeyValues, queryHashValue, type TableKeys } from './dynamodb-keys';
import type { PlaneService, ServiceCall } from './service';
import { stringField } from './service';
import { forward, relay } from './wire';

type Input = Record<string, unknown>;

const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem',
};

export class DynamoDbService implements PlaneService {
  readonly style = { protocol: 'json', contentType: 'application/x-amz-json-1.0' } as const;
  readonly invalidToken: AwsError = { status: 400, code: 'com.amazon.coral.service#UnrecognizedClientException', message: INVALID_TOKEN_MESSAGE };

  constructor(
    private readonly dynalitePort: number,
    private readonly keys: TableKeys,
    private readonly tableArn: (name: string) => string,
  ) {}

  accessDenied(message: string): AwsError {
    return { status: 400, code: 'com.amazon.coral.service#AccessDeniedException', message, messageKey: 'Message' };
  }

  async iamRequests({ operation, input }: ServiceCall): Promise<IamRequest[]> {
    const action = `dynamodb:${operation}`;
    switch (operation) {
      case 'BatchGetItem':
        return this.perTable(action, input, (request) => (request as { Keys?: unknown[] }).Keys ?? []);
      case 'BatchWriteItem':
        return this.perTable(action, input, (requests) => (requests as Array<{ PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } }>)
          .map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key));
      case 'TransactWriteItems':
      case 'TransactGetItems':
        return Promise.all(((input.TransactItems ?? []) as Array<Record<string, Input>>).map((member) => {
          const [kind, body] = Object.entries(member)[0] ?? ['', {}];
          const itemAction = operation === 'TransactGetItems' ? 'GetItem' : TRANSACT_WRITE_ACTIONS[kind] ?? kind;
          return this.itemRequest(`dynamodb:${itemAction}`, body, [body.Key ?? body.Item]);
        }));
      case 'GetItem': case 'DeleteItem': case 'UpdateItem':
        return [await this.itemRequest(action, input, [input.Key])];
      case 'PutItem':
        return [await this.itemRequest(action, input, [input.Item])];
      case 'Query': case 'Scan':
        return [await this.readRequest(action, input, operation === 'Query')];
    }
    const table = stringField(input, 'TableName');
    return [{ action, resource: table ? this.arnOf(table) : '*' }];
  }

  async handle(call: ServiceCall): Promise<void> {
    relay(call.res, await forward(this.dynalitePort, call.req, call.body));
  }

  private perTable(action: string, input: Input, itemsOf: (request: unknown) => unknown[]): Promise<IamRequest[]> {
    const requestItems = (input.RequestItems ?? {}) as Record<string, unknown>;
    return Promise.all(Object.entries(requestItems).map(([table, request]) => this.itemRequest(action, { TableName: table }, itemsOf(request))));
  }

  private async itemRequest(action: string, input: Input, items: unknown[]): Promise<IamRequest> {
    const table = stringField(input, 'TableName') ?? '';
    const hashKey = await this.keys.hashKeyOf(nameOf(table));
    const values = hashKey ? leadingKeyValues(items, hashKey) : [];
    return { action, resource: this.arnOf(table), ...(values.length ? { context: { 'dynamodb:LeadingKeys': values } } : {}) };
  }

  private async readRequest(action: string, input: Input, isQuery: boolean): Promise<IamRequest> {
    const table = stringField(input, 'TableName') ?? '';
    const index = stringField(input, 'IndexName');
    const resource = index ? `${this.arnOf(table)}/index/${index}` : this.arnOf(table);
    const hashKey = isQuery ? await this.keys.hashKeyOf(nameOf(table), index) : undefined;
    const value = hashKey ? queryHashValue(input, hashKey) : undefined;
    return { action, resource, ...(value !== undefined ? { context: { 'dynamodb:LeadingKeys': [value] } } : {}) };
  }

  private arnOf(table: string): string {
    return table.startsWith('arn:') ? table : this.tableArn(table);
  }
}

function nameOf(table: string): string {
  return table.startsWith('arn:') ? table.slice(table.indexOf(':table/') + ':table/'.length) : table;
}
