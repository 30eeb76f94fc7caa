/**
 * A function's delivery records from DynamoDB, newest first, for `destfn deliveries <fn> --aws`: a Query on
 * the GSI "byFunction" (function, updatedAt), paged until `limit` records pass the status filter.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_LIST_LIMIT, type DeliveryQuery, type DeliveryRecord } from '../delivery';
import { BY_FUNCTION_INDEX } from './contract';
import { recordFromItem } from './delivery-store';

export async function listDeliveryRecords(
  client: DynamoDBDocumentClient, tableName: string, fn: string, query: DeliveryQuery = {},
): Promise<DeliveryRecord[]> {
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: BY_FUNCTION_INDEX,
    KeyConditionExpression: '#fn = :fn',
    ExpressionAttributeNames: { '#fn': 'function', ...(query.status ? { '#st': 'status' } : {}) },
    ExpressionAttributeValues: { ':fn': fn, ...(query.status ? { ':st': query.status } : {}) },
    ...(query.status ? { FilterExpression: '#st = :st' } : {}),
    ScanIndexForward: false,
  };
  const records: DeliveryRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new QueryCommand({ ...input, Limit: limit, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) records.push(recordFromItem(item));
    start = out.LastEvaluatedKey;
  } while (start && records.length < limit);
  return records.slice(0, limit);
}
