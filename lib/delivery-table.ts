/**
 * Delivery records and messageId dedupe: pk = "<function>#<messageId>", `ttl` in epoch seconds, the GSIs
 * byFunction (failures, whole) and pagesByFunction (history pages, keys only) for `destfn deliveries <fn> --aws`.
 * Key format and indexes: the contract (runtime/aws/contract.ts); what goes where: runtime/aws/delivery-item.ts.
 */
import { Construct } from 'constructs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DELIVERY_INDEXES, recordKeyPrefix } from '../runtime/aws/contract';

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
    // CloudFormation adds or removes at most one GSI per table update: an index added here is a deploy of its own.
    for (const index of DELIVERY_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sort, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }
  }

  get indexArns(): string[] {
    return DELIVERY_INDEXES.map((index) => `${this.table.tableArn}/index/${index.name}`);
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
