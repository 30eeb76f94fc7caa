/**
 * Delivery records and messageId dedupe: pk = "<function>#<messageId>", `ttl` in epoch seconds,
 * GSI byFunction (function, updatedAt) for `destfn deliveries <fn> --aws`. Key format and index name: the
 * contract (runtime/aws/contract.ts).
 */
import { Construct } from 'constructs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BY_FUNCTION_INDEX, recordKeyPrefix } from '../runtime/aws/contract';

/**
 * What a destination Lambda does to its own records, once per SQS batch: dedupe lookups (BatchGetItem) and
 * record writes (BatchWriteItem, puts only). See runtime/aws/delivery-store.ts.
 */
export const FUNCTION_RECORD_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'];

export class DeliveryTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    this.table.addGlobalSecondaryIndex({
      indexName: BY_FUNCTION_INDEX,
      partitionKey: { name: 'function', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'updatedAt', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  get indexArn(): string {
    return `${this.table.tableArn}/index/${BY_FUNCTION_INDEX}`;
  }

  /**
   * Lets `grantee` read and write only the items whose key starts with recordKeyPrefix(functionName). For the batch
   * actions IAM evaluates ForAllValues over every key of the request: one foreign key denies the whole call.
   */
  grantOwnRecords(grantee: iam.IGrantable, functionName: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: FUNCTION_RECORD_ACTIONS,
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${recordKeyPrefix(functionName)}*`] } },
      }),
    );
  }
}
