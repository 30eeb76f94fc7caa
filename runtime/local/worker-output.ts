/**
 * A line a worker process printed on stdout/stderr, sorted: V8's fatal errors and the GC trace and native
 * stack around them are said once by the crash notice, everything else is echoed (redacted) by the pool.
 *
 * Nothing of V8's crash wording may reach the engine's own stderr: supervisors that watch a process's stderr
 * for it (jest-worker looks for "heap out of memory", "allocation failure;" and "Last few GCs" anywhere in
 * the stream) take it for the engine itself running out of memory and kill it. V8 writes its GC trace in
 * pieces, so a line can start mid-entry ("king 33 ms) … [20956:0xc607980] 413 ms: Mark-Compact …"): the
 * markers are looked for anywhere in the line, not only at its start.
 */
export type WorkerLine = { kind: 'fatal'; outOfMemory: boolean } | { kind: 'v8-dump' } | { kind: 'echo' };

const FATAL = /FATAL ERROR|out of memory/i;
const V8_DUMP = /<--- .* --->|\[\d+:0x[0-9a-f]+\]|^\s*\d+: 0x[0-9a-f]+|----- Native stack trace -----|allocation failure|Last few GCs|Mark-Compact|Scavenge|Mark-sweep/i;

export function classifyWorkerLine(line: string): WorkerLine {
  if (FATAL.test(line)) return { kind: 'fatal', outOfMemory: /out of memory/i.test(line) };
  if (V8_DUMP.test(line)) return { kind: 'v8-dump' };
  return { kind: 'echo' };
}
