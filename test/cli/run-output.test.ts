import { formatHuman, formatJson } from '../../runtime/cli/run-output';
import type { Outcome } from '../../runtime/delivery/outcome';

const base: Outcome = { messageId: 'm-1', status: 'delivered', reason: null, result: { ok: 1 }, error: null, logs: ['a line'], durationMs: 12.4 };
const failed = (status: Outcome['status'], reason: Outcome['reason'], name: string): Outcome =>
  ({ ...base, status, reason, result: undefined, error: { name, message: 'it went wrong' }, logs: [] });

describe('destfn run output', () => {
  test('delivered: the result as pretty JSON, load logs before event logs', () => {
    expect(formatHuman({ outcome: base, loadLogs: ['loaded'], filterNote: null })).toBe(
      'Callback Return\n---------------\n{\n  "ok": 1\n}\n\nLog Output\n----------\nloaded\na line\n\nstatus: delivered (took 12 ms, messageId m-1)\n',
    );
  });

  test('delivered without a return value shows undefined', () => {
    expect(formatHuman({ outcome: { ...base, result: undefined }, loadLogs: [], filterNote: null })).toContain('---------------\nundefined\n');
  });

  test.each([
    ['discarded', 'unsupported', 'EventNotSupported', 'discarded, not retried (the function does not handle this event)'],
    ['discarded', 'invalid-event', 'InvalidEventPayload', 'discarded, not retried (invalid event)'],
    ['discarded', 'invalid-settings', 'ValidationError', 'discarded, not retried (invalid settings)'],
    ['discarded', 'error', 'TypeError', 'discarded, not retried (the function opts to discard unknown errors)'],
    ['retry', 'retry-error', 'RetryError', 'would be retried (then moved to the DLQ after the last attempt)'],
    ['retry', 'timeout', 'TimeoutError', 'would be retried (then moved to the DLQ after the last attempt)'],
    ['retry', 'error', 'TypeError', 'would be retried (then moved to the DLQ after the last attempt)'],
  ] as const)('%s (%s): `%s: message` and what happens next', (status, reason, name, consequence) => {
    const text = formatHuman({ outcome: failed(status, reason, name), loadLogs: [], filterNote: null });
    expect(text).toContain(`Callback Return\n---------------\n${name}: it went wrong\n→ ${consequence}\n\nLog Output\n----------\n(no output)\n`);
    expect(JSON.parse(formatJson({ outcome: failed(status, reason, name), loadLogs: ['l'], filterNote: null })))
      .toEqual({ status, result: null, error: { name, message: 'it went wrong' }, logs: ['l'] });
  });

  test('a refused connection to the local engine port gets a hint', () => {
    const outcome = { ...failed('retry', 'retry-error', 'RetryError'), error: { name: 'RetryError', message: 'request to http://localhost:3000/_sink/x failed, reason: connect ECONNREFUSED 127.0.0.1:3000' } };
    expect(formatHuman({ outcome, loadLogs: [], filterNote: null })).toContain('hint: nothing listens on port 3000');
  });

  test('a filter that does not match is noted', () => {
    expect(formatHuman({ outcome: base, loadLogs: [], filterNote: 'no match' })).toContain('\nnote: no match\n');
  });

  test('--json is one line', () => {
    expect(formatJson({ outcome: base, loadLogs: [], filterNote: null })).toBe('{"status":"delivered","result":{"ok":1},"error":null,"logs":["a line"]}\n');
  });
});
