/**
 * What the destination Lambda logs per batch (real Powertools Logger and Metrics writing to stdout): a line per
 * event that needs a look, one summary line counting the rest, and the EMF counts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createDeliveryTelemetry, type DeliveryLogEntry } from '../../runtime/aws/delivery-telemetry';
import { captureOutput } from './support/captured-output';

const entry = (messageId: string, overrides: Partial<DeliveryLogEntry> = {}): DeliveryLogEntry => ({
  messageId, type: 'track', event: 'Order Completed', status: 'delivered', attempt: 1, durationMs: 100, logs: [], ...overrides,
});

test('routine outcomes are counted in one summary line; failures, odd discards and console output get a line each', () => {
  const output = captureOutput();
  try {
    const metrics = new Metrics({ namespace: 'destfn', serviceName: 'destfn', defaultDimensions: { function: 'orders' } });
    const telemetry = createDeliveryTelemetry('orders', new Logger({ serviceName: 'destfn' }), metrics);
    for (let i = 0; i < 8; i++) telemetry.event(entry(`ok-${i}`, { durationMs: 100 + i }));
    telemetry.event(entry('dup', { status: 'duplicate', durationMs: null }));
    telemetry.event(entry('identify', { status: 'discarded', reason: 'unsupported', durationMs: 1 }));
    telemetry.event(entry('bad', { status: 'discarded', reason: 'invalid-event', error: { name: 'InvalidEventPayload', message: 'no email' } }));
    telemetry.event(entry('talky', { logs: ['posted to the CRM'] }));
    telemetry.event(entry('slow', { status: 'retrying', reason: 'timeout', retryInSeconds: 28 }));
    telemetry.event(entry('dead', { status: 'failed', reason: 'retry-error', attempt: 10 }));
    telemetry.flush();
    telemetry.flush(); // nothing new: no second summary
    metrics.publishStoredMetrics();
  } finally {
    output.restore();
  }
  const lines = output.json();
  const own = lines.filter((l) => l.message === 'delivery');
  expect(own.map((l) => [l.messageId, l.level])).toEqual([['bad', 'INFO'], ['talky', 'INFO'], ['slow', 'WARN'], ['dead', 'ERROR']]);
  expect(own[1]).toMatchObject({ function: 'orders', status: 'delivered', logs: ['posted to the CRM'] });

  const summaries = lines.filter((l) => l.message === 'deliveries');
  expect(summaries).toEqual([expect.objectContaining({
    level: 'INFO', function: 'orders', delivered: 9, duplicate: 1, discarded: 2, retrying: 1, failed: 1, durationMs: { p50: 101, max: 107 },
  })]);
  const emf = lines.find((l) => '_aws' in l);
  expect(emf).toMatchObject({ delivered: 9, duplicate: 1, discarded: 2, retried: 1, failed: 1, function: 'orders' });
  expect(emf?.duration).toHaveLength(13); // every invoked event's duration, for percentiles
});
