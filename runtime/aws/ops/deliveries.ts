/** `destfn deliveries <fn> --aws`: a function's delivery records from DynamoDB (GSI byFunction), newest first. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord } from '../../delivery-record';
import { listDeliveryRecords, type DeliveryQuery } from '../delivery-list';
import { readStackOutputs, tableNameOf, type AwsOpsOptions } from './stack-outputs';

export async function listDeliveriesAws(fn: string, query: DeliveryQuery = {}, options: AwsOpsOptions = {}): Promise<DeliveryRecord[]> {
  const tableName = tableNameOf(await readStackOutputs(options));
  return listDeliveryRecords(DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName, fn, query);
}
