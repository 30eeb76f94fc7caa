/** dynalite (DynamoDB emulator, in-process) on a random port with the delivery table the stack creates. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

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

/** The table of lib/delivery-table.ts: pk string, GSI byFunction (function, updatedAt). */
export async function createDeliveryTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'function', AttributeType: 'S' },
      { AttributeName: 'updatedAt', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{
      IndexName: 'byFunction',
      KeySchema: [{ AttributeName: 'function', KeyType: 'HASH' }, { AttributeName: 'updatedAt', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
  }));
}
