/**
 * Which IAM actions a Lambda bundle needs: every AWS SDK v3 command its bundled sources send, mapped to the
 * action AWS authorizes it as. Found statically (`new XxxCommand(` or `sdk.XxxCommand(` in a file that
 * uses an `@aws-sdk/` package), so a command added to the code fails the permission test until the role
 * allows it and this table knows it.
 */
import { readFileSync } from 'node:fs';

/** SDK command class (as @aws-sdk/client-* or @aws-sdk/lib-dynamodb name it) → the IAM action that authorizes it. */
export const SDK_COMMAND_ACTIONS: Readonly<Record<string, string>> = {
  // @aws-sdk/lib-dynamodb (document client) and @aws-sdk/client-dynamodb
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  // @aws-sdk/client-sqs: a batch API is authorized as its single-message action.
  SendMessageCommand: 'sqs:SendMessage',
  SendMessageBatchCommand: 'sqs:SendMessage',
  DeleteMessageCommand: 'sqs:DeleteMessage',
  DeleteMessageBatchCommand: 'sqs:DeleteMessage',
  ChangeMessageVisibilityCommand: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatchCommand: 'sqs:ChangeMessageVisibility',
  ReceiveMessageCommand: 'sqs:ReceiveMessage',
  GetQueueAttributesCommand: 'sqs:GetQueueAttributes',
  GetQueueUrlCommand: 'sqs:GetQueueUrl',
  // @aws-sdk/client-secrets-manager (Powertools' getSecret sends GetSecretValueCommand)
  GetSecretValueCommand: 'secretsmanager:GetSecretValue',
  DescribeSecretCommand: 'secretsmanager:DescribeSecret',
  PutSecretValueCommand: 'secretsmanager:PutSecretValue',
};

const COMMAND_USE = /\bnew\s+(?:[A-Za-z_$][\w$]*\.)?([A-Z]\w*Command)\s*\(/g;

/** Names of the SDK commands constructed in `files` (only files that use an @aws-sdk package count). */
export function sdkCommandsIn(files: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('@aws-sdk/')) continue;
    for (const match of text.matchAll(COMMAND_USE)) {
      found.set(match[1], [...(found.get(match[1]) ?? []), file]);
    }
  }
  return found;
}

/** The IAM action of an SDK command; throws for a command this table does not know yet. */
export function iamActionOf(command: string, usedIn: readonly string[] = []): string {
  const action = SDK_COMMAND_ACTIONS[command];
  if (action === undefined) {
    throw new Error(
      `unknown AWS SDK command ${command} (sent in ${usedIn.join(', ') || 'the bundle'}): add its IAM action to ` +
      'SDK_COMMAND_ACTIONS in test/cdk/support/sdk-actions.ts',
    );
  }
  return action;
}

/** IAM action → the files whose commands need it. */
export function iamActionsNeeded(files: readonly string[]): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  for (const [command, usedIn] of sdkCommandsIn(files)) {
    const action = iamActionOf(command, usedIn);
    needed.set(action, [...(needed.get(action) ?? []), ...usedIn]);
  }
  return needed;
}
