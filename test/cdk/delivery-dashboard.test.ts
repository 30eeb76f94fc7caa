/** The per-function Event Delivery dashboard (lib/delivery-dashboard.ts) and its paused alarm, on a synthesized stack. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmTopic } from '../../lib/alarm-topic';
import { dashboardName, DeliveryDashboard } from '../../lib/delivery-dashboard';

const outdirs: string[] = [];
afterAll(() => { for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

/** An App writing to a folder removed after the tests: without an outdir, each App leaves a new cdk.out* in the temp dir. */
function app(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'destfn-dashboard-'));
  outdirs.push(outdir);
  return new App({ outdir });
}

/** A function's queue, DLQ and Lambda as DestinationFunction has them, in `scope`. */
function fakeFunction(scope: Stack, name: string) {
  return {
    name,
    queue: new sqs.Queue(scope, `${name}Queue`),
    dlq: new sqs.Queue(scope, `${name}Dlq`),
    handler: new lambda.Function(scope, `${name}Handler`, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}') }),
  };
}

/** The dashboard body with its CloudFormation tokens (Fn::Join parts) flattened to placeholders. */
function bodyOf(template: Template): { text: string; widgets: { type: string; properties: { title?: string; metrics?: unknown[][] } }[] } {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = (dashboard.Properties as { DashboardBody: unknown }).DashboardBody;
  const parts = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join']?.[1] ?? [body];
  const text = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return { text, widgets: (JSON.parse(text) as { widgets: [] }).widgets };
}

test('one dashboard per function: events per minute, p50/p95, queue age, DLQ depth, concurrency, paused; an alarm while paused', () => {
  const stack = new Stack(app(), 'Destfn');
  const alarms = new AlarmTopic(stack, 'Alarms');
  new DeliveryDashboard(stack, 'Delivery', fakeFunction(stack, 'orders'), alarms);
  const template = Template.fromStack(stack);

  template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Destfn-orders-delivery' });
  const { text, widgets } = bodyOf(template);
  const metricsOf = (title: string) => JSON.stringify(widgets.find((w) => w.properties.title === title)?.properties.metrics);
  for (const m of ['delivered', 'discarded', 'retried', 'failed']) {
    expect(metricsOf('Events per minute')).toContain(`["destfn","${m}","function","orders","service","destfn",{"label":"${m}","period":60,"stat":"Sum"}]`);
  }
  expect(metricsOf('Handler duration (ms)')).toMatch(/"duration".*"stat":"p50".*"duration".*"stat":"p95"/);
  expect(metricsOf('Queue')).toMatch(/ApproximateAgeOfOldestMessage.*ApproximateNumberOfMessagesVisible/);
  expect(metricsOf('Concurrency')).toMatch(/"AWS\/Lambda","ConcurrentExecutions".*"ConcurrencyLimit"/);
  expect(metricsOf('Paused (circuit breaker)')).toContain('["destfn","Paused","function","orders","service","destfn",{"label":"paused (1 = yes)","period":60,"stat":"Maximum"}]');
  expect(Buffer.byteLength(text)).toBeLessThan(10_000); // 200 of them stay far from any limit; CloudWatch allows 1 MB and 500 widgets each
  expect(widgets.length).toBeLessThanOrEqual(10);

  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'Paused', Namespace: 'destfn', Statistic: 'Maximum', Threshold: 0,
    Dimensions: Match.arrayWith([{ Name: 'function', Value: 'orders' }]),
    AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
  });
});

test('in a nested stack: the dashboard is created there and named after the top-level stack', () => {
  const root = new Stack(app(), 'Prod');
  const nested = new NestedStack(root, 'FunctionOrders');
  new DeliveryDashboard(nested, 'Delivery', fakeFunction(nested, 'orders'));
  Template.fromStack(nested).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Prod-orders-delivery' });
  expect(Template.fromStack(root).findResources('AWS::CloudWatch::Dashboard')).toEqual({});
});

test('dashboard names keep only the characters CloudWatch allows (an instance name has a colon)', () => {
  expect(dashboardName('Destfn', 'teams:eu')).toBe('Destfn-teams_eu-delivery');
});
