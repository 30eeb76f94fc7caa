/**
 * A CloudWatch dashboard per deployed function, Segment's Event Delivery view: delivered / discarded / retried /
 * failed per minute, handler duration p50/p95, the queue's oldest message age and the DLQ depth, concurrency (Lambda
 * ConcurrentExecutions and the delivery control's ConcurrencyLimit) and Paused (the circuit breaker, from the
 * destination Lambda's EMF lines; runtime/aws/limiter.ts and delivery-telemetry.ts), and an alarm while paused.
 *
 * One dashboard per function, created in the function's own construct (so in its own nested stack when it has
 * one): a 200-function stack gets 200 small dashboards (8 widgets, a few KB of body each) instead of one over
 * CloudWatch's 500 widgets and 1 MB, and adding a function adds only its own dashboard.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { POWERTOOLS_SERVICE } from '../runtime/aws/contract';
import type { AlarmTopic } from './alarm-topic';
import type { DestinationFunction } from './destination-function';

const PERIOD = Duration.minutes(1);
const WIDTH = 8;
const HEIGHT = 6;

/** A dashboard name may hold letters, digits, '-' and '_' (up to 255). */
export function dashboardName(stackName: string, fn: string): string {
  return `${stackName}-${fn}-delivery`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 255);
}

/** The stack that holds the whole app (a nested stack's parent, up to the top). */
function rootStack(scope: Construct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

export class DeliveryDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  /** @param alarms when given, an alarm (to its topic) while the circuit breaker holds the function paused. */
  constructor(scope: Construct, id: string, fn: Pick<DestinationFunction, 'name' | 'queue' | 'dlq' | 'handler'>, alarms?: AlarmTopic) {
    super(scope, id);
    const delivery = (metricName: string, statistic: string, label: string | null = metricName) => new cloudwatch.Metric({
      namespace: POWERTOOLS_SERVICE,
      metricName,
      dimensionsMap: { service: POWERTOOLS_SERVICE, function: fn.name },
      statistic,
      period: PERIOD,
      ...(label !== null ? { label } : {}),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, period: PERIOD });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(rootStack(this).stackName, fn.name),
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `### ${fn.name}: event delivery\nPer minute. \`destfn deliveries ${fn.name} --aws\` lists them; \`destfn replay ${fn.name} --aws\` replays the DLQ.`,
            width: 24, height: 2,
          }),
        ],
        [
          graph('Events per minute', ['delivered', 'discarded', 'retried', 'failed'].map((m) => delivery(m, 'Sum'))),
          graph('Handler duration (ms)', [delivery('duration', 'p50', 'p50'), delivery('duration', 'p95', 'p95')]),
          graph('Queue', [fn.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, label: 'oldest message age (s)' })],
            [fn.dlq.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'DLQ depth' })]),
        ],
        [
          graph('Concurrency', [
            fn.handler.metric('ConcurrentExecutions', { period: PERIOD, statistic: 'Maximum', label: 'Lambda instances' }),
            delivery('ConcurrencyLimit', 'Sum', 'records in flight allowed (sum over instances)'),
          ]),
          graph('Paused (circuit breaker)', [delivery('Paused', 'Maximum', 'paused (1 = yes)')]),
          new cloudwatch.SingleValueWidget({
            title: 'Last hour',
            metrics: ['delivered', 'discarded', 'retried', 'failed'].map((m) => new cloudwatch.Metric({
              namespace: POWERTOOLS_SERVICE, metricName: m, dimensionsMap: { service: POWERTOOLS_SERVICE, function: fn.name },
              statistic: 'Sum', period: Duration.hours(1), label: m,
            })),
            width: WIDTH, height: HEIGHT,
          }),
        ],
      ],
    });
    alarms?.alarmAboveZero(this, 'PausedAlarm', delivery('Paused', 'Maximum', null),
      `destfn "${fn.name}": its destination is failing and delivery is paused (circuit breaker); events wait in the queue ` +
      `and resume by themselves when a probe succeeds (destfn status / the ${dashboardName(rootStack(this).stackName, fn.name)} dashboard)`);
  }
}
