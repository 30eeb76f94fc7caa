/** `destfn deliveries <fn> --aws`: a function's delivery records from DynamoDB (GSI byFunction), newest first. */
import type { DeliveryRecord } from '../../delivery-record';
import { createDeliveryStore, type DeliveryQuery } from '../delivery-store';
import { readStackOutputs, tableNameOf, type AwsOpsOptions } from './stack-outputs';

export async function listDeliveriesAws(fn: string, query: DeliveryQuery = {}, options: AwsOpsOptions = {}): Promise<DeliveryRecord[]> {
  const tableName = tableNameOf(await readStackOutputs(options));
  return createDeliveryStore({ tableName }).listByFunction(fn, query);
}
