/** `destfn status` text from a delivery control's status (pure). */
import { formatControlStatus } from '../../runtime/cli/format-control-status';
import { DeliveryControl, type FinishedAttempt } from '../../runtime/delivery-control';

const ok: FinishedAttempt = { status: 'delivered', durationMs: 10, error: null };
const refused: FinishedAttempt = { status: 'retry', durationMs: 10, error: { name: 'RetryError', message: 'HTTP 429' } };

test('after refusals: the rate it backs off to and the rate the destination took without refusing', () => {
  const control = new DeliveryControl({ maxConcurrency: 100, breaker: false }, 0);
  control.started(30, false, 0);
  for (let t = 0; t < 20; t++) control.finished(ok, 10, t * 10);
  for (let t = 200; t <= 400; t += 20) control.finished(refused, 10, t);
  control.started(30, false, 1500);
  for (let t = 1500; t < 2700; t += 100) control.finished(ok, 10, t);
  control.finished(refused, 10, 2700);
  const status = control.status(2700);
  expect(status.learntRatePerSecond).not.toBeNull();
  expect(status.measuredRatePerSecond).not.toBeNull();
  const text = formatControlStatus([{ fn: 'teams', status, updatedAt: 2700, operatorPause: null }], true, 3700);
  expect(text).toContain(`backing off to ${status.learntRatePerSecond!.toFixed(1)}/s after refusals or failures (it took ${status.measuredRatePerSecond!.toFixed(1)}/s without refusing)`);
});

test('a status published by an earlier version (no measured rate) still reads', () => {
  const status = { ...new DeliveryControl({ maxConcurrency: 10 }, 0).status(0), learntRatePerSecond: 4 } as Record<string, unknown>;
  delete status.measuredRatePerSecond;
  const text = formatControlStatus([{ fn: 'old', status: status as never, updatedAt: 0, operatorPause: null }], false, 0);
  expect(text).toContain('backing off to 4.0/s after refusals or failures\n');
  expect(text).not.toContain('without refusing');
});
