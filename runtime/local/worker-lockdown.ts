/**
 * What Node's permission model (worker-launch.ts) leaves open in a worker process and function code
 * has no use for, removed before that code loads. Function code that escapes its vm context gets
 * this process; without these it still cannot signal or renice other processes (the engine, other
 * functions' workers: they run as the same user), write files through tracing, or change V8's flags.
 */
import os from 'node:os';
import traceEvents from 'node:trace_events';
import v8 from 'node:v8';

const refuse = (what: string) => () => {
  throw Object.assign(new Error(`${what} is not available to function code`), { code: 'ERR_ACCESS_DENIED' });
};

export function lockDownProcess(): void {
  const proc = process as unknown as Record<string, unknown>;
  for (const name of ['kill', '_kill', 'dlopen', 'setuid', 'seteuid', 'setgid', 'setegid', 'setgroups', 'initgroups', '_debugProcess', '_debugEnd', '_startProfilerIdleNotifier']) {
    if (name in proc) Object.defineProperty(proc, name, { value: refuse(`process.${name}`), writable: false, configurable: false });
  }
  Object.defineProperty(os, 'setPriority', { value: refuse('os.setPriority'), writable: false, configurable: false });
  Object.defineProperty(traceEvents, 'createTracing', { value: refuse('trace_events'), writable: false, configurable: false });
  Object.defineProperty(v8, 'setFlagsFromString', { value: refuse('v8.setFlagsFromString'), writable: false, configurable: false });
}
