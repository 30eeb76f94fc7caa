/**
 * us-east-1 list prices (looked up for lib/COST.md, November 2026) and the cost of a metered bench run, scaled
 * to 1 million events. Every line is a count made by the run times a price; the two platform log lines no code
 * here can write (Lambda's START/END/REPORT, the API access log) are sizes from their documented formats.
 */
import type { DynamoCounts, SqsCounts } from './aws-meter';

export const PRICES = {
  apiGatewayPerRequest: 1.0 / 1e6,
  sqsPerRequest: 0.4 / 1e6,
  lambdaPerInvocation: 0.2 / 1e6,
  /** arm64 */
  lambdaPerGbSecond: 0.0000133334,
  dynamoPerWru: 0.625 / 1e6,
  dynamoPerRru: 0.125 / 1e6,
  logsPerGb: 0.5,
  dynamoStoragePerGbMonth: 0.25,
  pitrPerGbMonth: 0.2,
} as const;

/** Lambda's own START, END and REPORT lines per invocation (documented format, typical values). */
export const LAMBDA_PLATFORM_LOG_BYTES = 266;
/** The stack's API Gateway access log line per request (its format, typical values). */
export const ACCESS_LOG_BYTES = 220;

export interface LambdaCounts { invocations: number; billedMs: number; cpuMs: number; memoryMb: number; logBytes: number }

export interface RunCounts {
  events: number;
  apiRequests: number;
  ingest: LambdaCounts;
  destination: LambdaCounts;
  sqs: SqsCounts;
  dynamo: DynamoCounts;
}

export interface CostLine { item: string; count: string; usd: number }

const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
const fmtCount = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

/** The run's counts scaled to 1M events, line by line. */
export function costPerMillion(run: RunCounts): CostLine[] {
  const scale = 1e6 / run.events;
  const lines: CostLine[] = [];
  const line = (item: string, count: number, price: number, unit: string) =>
    lines.push({ item, count: `${fmtCount(count * scale)} ${unit}`, usd: count * scale * price });

  line('API Gateway requests', run.apiRequests, PRICES.apiGatewayPerRequest, 'requests');
  for (const [name, l] of [['ingest', run.ingest], ['destination', run.destination]] as const) {
    line(`Lambda ${name}: invocations`, l.invocations, PRICES.lambdaPerInvocation, 'invocations');
    line(`Lambda ${name}: compute (${l.memoryMb} MB × billed ms)`, (l.billedMs / 1000) * (l.memoryMb / 1024), PRICES.lambdaPerGbSecond, 'GB-s');
  }
  const sqsGroups: Array<[string, string[]]> = [
    ['SQS send (SendMessageBatch, 64 KB units)', ['SendMessageBatch', 'SendMessage']],
    ['SQS receive (event source, 64 KB units)', ['ReceiveMessage']],
    ['SQS delete (event source)', ['DeleteMessageBatch', 'DeleteMessage']],
  ];
  const grouped = new Set(sqsGroups.flatMap(([, ops]) => ops));
  for (const [item, ops] of sqsGroups) line(item, ops.reduce((s, op) => s + (run.sqs.units.get(op) ?? 0), 0), PRICES.sqsPerRequest, 'requests');
  const otherSqs = [...run.sqs.units].filter(([op]) => !grouped.has(op));
  if (otherSqs.length > 0) line(`SQS other (${otherSqs.map(([op]) => op).join(', ')})`, otherSqs.reduce((s, [, n]) => s + n, 0), PRICES.sqsPerRequest, 'requests');
  line('DynamoDB reads (dedupe lookups)', run.dynamo.rru, PRICES.dynamoPerRru, 'RRU');
  line('DynamoDB writes, table (event items + history pages)', run.dynamo.wru, PRICES.dynamoPerWru, 'WRU');
  for (const [index, wru] of run.dynamo.indexWru) line(`DynamoDB writes, index ${index} (computed)`, wru, PRICES.dynamoPerWru, 'WRU');
  const gb = 1024 ** 3;
  line('Logs: ingest handler output (measured)', run.ingest.logBytes / gb, PRICES.logsPerGb, 'GB');
  line('Logs: destination handler output (measured)', run.destination.logBytes / gb, PRICES.logsPerGb, 'GB');
  const platform = (run.ingest.invocations + run.destination.invocations) * LAMBDA_PLATFORM_LOG_BYTES + run.apiRequests * ACCESS_LOG_BYTES;
  line('Logs: START/END/REPORT + API access lines (format sizes)', platform / gb, PRICES.logsPerGb, 'GB');
  return lines;
}

export function totalUsd(lines: readonly CostLine[]): number {
  return lines.reduce((s, l) => s + l.usd, 0);
}

export function sqsCallSummary(sqs: SqsCounts): string {
  return `${sum(sqs.calls)} calls (${[...sqs.calls].map(([op, n]) => `${op} ${n}`).join(', ')}), ${sum(sqs.units)} billed requests`;
}
