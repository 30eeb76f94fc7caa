/**
 * The raw node-fetch loop with its client in a process of its own (raw-client-child.ts) and the sink in this one:
 * the client crosses a process boundary to the destination as a function worker does. (In one thread, client and
 * sink hand each other work without ever sleeping, which makes that loop cheaper per event than any two processes.)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ownCpuMs } from './proc-cpu';
import type { Sink } from './sink';

export interface RawProcessResult { rate: number; clientUs: number; sinkUs: number }

export async function rawClientProcess(sink: Sink, path: string, events: number, lanes: number): Promise<RawProcessResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'raw-client-child.ts'), `${sink.url}${path}`, String(events), String(lanes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let sinkCpu0 = 0;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const done = await new Promise<{ cpuMs: number; ms: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { phase: 'start' } | { phase: 'done'; cpuMs: number; ms: number };
      if (message.phase === 'start') sinkCpu0 = ownCpuMs();
      else resolve(message);
    });
    void exited.then((code) => reject(new Error(`raw client process exited with code ${code} before it was done`)));
  });
  const sinkCpu = ownCpuMs() - sinkCpu0;
  await exited;
  return { rate: events / (done.ms / 1000), clientUs: (done.cpuMs * 1000) / events, sinkUs: (sinkCpu * 1000) / events };
}
