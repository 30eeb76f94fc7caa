/** dynalite (DynamoDB emulator, in-process) on a random port with the delivery table the stack creates. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DELIVERY_INDEXES } from '../../../runtime/aws/contract';

const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;

export interface Dynalite {
  endpoint: string;
  client: DynamoDBClient;
  /** The operation of every request served so far (X-Amz-Target without its prefix: "BatchGetItem"…). */
  operations: string[];
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0 });
  const operations: string[] = [];
  server.on('request', (req: { headers: Record<string, string | string[] | undefined> }) => {
    operations.push(String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    endpoint,
    client,
    operations,
    stop: () => new Promise<void>((resolve) => { client.destroy(); server.close(() => resolve()); }),
  };
}

/** The table of lib/delivery-table.ts: pk string, its GSIs (runtime/aws/contract.ts DELIVERY_INDEXES). */
export async function createDeliveryTable(client: DynamoDBClient, name: string): Promise<void> {
  const keyNames = [...new Set(DELIVERY_INDEXES.flatMap((index) => [index.partition, index.sort]))];
  await client.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', ...keyNames].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: DELIVERY_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [{ AttributeName: index.partition, KeyType: 'HASH' }, { AttributeName: index.sort, KeyType: 'RANGE' }],
      Projection: { ProjectionType: index.projection },
    })),
  }));
}
