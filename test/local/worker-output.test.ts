/**
 * What a worker process prints: V8's crash wording must never be echoed to the engine's stderr, where a
 * supervisor (jest-worker in CI) takes it for the engine running out of memory and kills it with SIGTERM.
 * The first case is the line that did exactly that in a CI run: a GC trace written in pieces.
 */
import { classifyWorkerLine } from '../../runtime/local/worker-output';

const JEST_WORKER_OOM_MARKERS = ['heap out of memory', 'allocation failure;', 'Last few GCs'];

test('a GC-trace fragment that does not start with V8\'s [pid:0x…] prefix is still not echoed', () => {
  const line = 'king 33 ms) (average mu = 0.520, current mu = 0.520) finalize increm[20956:0xc607980]      413 ms: Mark-Compact (reduce) 47.3 (81.1) -> 47.2 (49.1) MB, 32.39 / 0.00 ms  (average mu = 0.185, current mu = 0.016) allocation failure; scavenge might not succeed';
  expect(classifyWorkerLine(line)).toEqual({ kind: 'v8-dump' });
});

test('V8\'s fatal error is a crash reason (out of memory or not); its dump lines are dropped', () => {
  expect(classifyWorkerLine('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory')).toEqual({ kind: 'fatal', outOfMemory: true });
  expect(classifyWorkerLine('FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal')).toEqual({ kind: 'fatal', outOfMemory: false });
  for (const line of [
    '<--- Last few GCs --->',
    '[20956:0xc607980]      380 ms: Scavenge 40.1 (45.3) -> 39.9 (49.1) MB, 1.2 / 0.0 ms  (average mu = 0.520) allocation failure;',
    '<--- JS stacktrace --->',
    '----- Native stack trace -----',
    ' 1: 0xb8ced1 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]',
  ]) expect({ line, seen: classifyWorkerLine(line) }).toEqual({ line, seen: { kind: 'v8-dump' } });
});

test('everything else a function prints on the process\'s own streams is echoed', () => {
  for (const line of ['(node:123) Warning: something', 'TypeError: x is not a function', 'a memory of a GC-free day']) {
    expect(classifyWorkerLine(line)).toEqual({ kind: 'echo' });
  }
});

test('no line that jest-worker reads as an out-of-memory crash is echoed', () => {
  for (const marker of JEST_WORKER_OOM_MARKERS) {
    expect(classifyWorkerLine(`anything before ${marker} and after`).kind).not.toBe('echo');
  }
});
