/** `destfn deliveries <fn> --aws`: a function's delivery records from DynamoDB (GSI byFunction), newest first. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryQuery, DeliveryRecord } from '../../delivery';
import { listDeliveryRecords } from '../../aws/delivery-list';
import { functionStackId } from './function-resources';
import { readStackOutputs, tableNameOf, withClientConfig, type AwsOpsOptions } from './stack-outputs';

export async function listDeliveriesAws(fn: string, query: DeliveryQuery = {}, options: AwsOpsOptions = {}): Promise<DeliveryRecord[]> {
  const opts = await withClientConfig(options);
  const [outputs] = await Promise.all([readStackOutputs(opts), functionStackId(fn, opts)]);
  const tableName = tableNameOf(outputs);
  const client = new DynamoDBClient(opts.clientConfig);
  try {
    return await listDeliveryRecords(DynamoDBDocumentClient.from(client), tableName, fn, query);
  } finally {
    client.destroy();
  }
}
