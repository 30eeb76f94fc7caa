/**
 * The values of `dynamodb:LeadingKeys`: the partition key values a request touches. For a key or item that is the
 * value of the table's HASH attribute; for a Query, the value its key condition fixes for the HASH attribute of the
 * table or of the queried index (assumption: AWS does not document the index case; the request's partition key is
 * what the index query reads by). Key schemas come from DescribeTable on dynalite.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

export class TableKeys {
  private readonly cache = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly client: DynamoDBClient) {}

  /** The HASH attribute of the table, or of one of its indexes; undefined for an unknown table or index. */
  async hashKeyOf(table: string, index?: string): Promise<string | undefined> {
    let schemas = this.cache.get(table);
    if (!schemas) {
      schemas = this.describe(table);
      this.cache.set(table, schemas);
    }
    try {
      return (await schemas).get(index ?? '');
    } catch {
      this.cache.delete(table); // not there yet: ask again next time
      return undefined;
    }
  }

  private async describe(table: string): Promise<Map<string, string>> {
    const { Table } = await this.client.send(new DescribeTableCommand({ TableName: table }));
    const hash = (schema?: Array<{ AttributeName?: string; KeyType?: string }>) => schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const keys = new Map<string, string>();
    const tableKey = hash(Table?.KeySchema);
    if (tableKey) keys.set('', tableKey);
    for (const index of [...(Table?.GlobalSecondaryIndexes ?? []), ...(Table?.LocalSecondaryIndexes ?? [])]) {
      const key = hash(index.KeySchema);
      if (index.IndexName && key) keys.set(index.IndexName, key);
    }
    return keys;
  }
}

/** The HASH attribute values of keys or items (skipping any that lack it). */
export function leadingKeyValues(items: unknown[], hashKey: string): string[] {
  return items.flatMap((item) => {
    const value = scalar(isObject(item) ? (item as Item)[hashKey] : undefined);
    return value === undefined ? [] : [value];
  });
}

/** The value a Query's KeyConditionExpression (or legacy KeyConditions) sets the HASH attribute equal to. */
export function queryHashValue(input: Record<string, unknown>, hashKey: string): string | undefined {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  if (typeof input.KeyConditionExpression === 'string') {
    for (const clause of input.KeyConditionExpression.split(/\s+AND\s+/i)) {
      const match = /^\(*\s*([#:\w.-]+)\s*=\s*([#:\w.-]+)\s*\)*$/.exec(clause.trim());
      if (!match) continue;
      const [nameToken, valueToken] = match[1].startsWith(':') ? [match[2], match[1]] : [match[1], match[2]];
      const name = nameToken.startsWith('#') ? names[nameToken] : nameToken;
      if (name === hashKey && valueToken.startsWith(':')) return scalar(values[valueToken]);
    }
  }
  const legacy = (input.KeyConditions as Record<string, { ComparisonOperator?: string; AttributeValueList?: AttributeValue[] }> | undefined)?.[hashKey];
  return legacy?.ComparisonOperator === 'EQ' ? scalar(legacy.AttributeValueList?.[0]) : undefined;
}

/** S, N or B (base64 on the wire) as the string IAM compares. */
function scalar(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  for (const type of ['S', 'N', 'B']) {
    const v = (value as AttributeValue)[type];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
