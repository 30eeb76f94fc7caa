/** A bench helper process (TypeScript through tsx) that prints one JSON line when ready and exits when its stdin closes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildHandle<T> { info: T; pid: number; stop(): Promise<void> }

export async function startChild<T>(args: string[], options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildHandle<T>> {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${args.join(' ')}: not ready in time`)); }, options.timeoutMs ?? 60_000);
    createInterface({ input: child.stdout! }).once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line) as T); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${args.join(' ')} exited with code ${code} before it was ready`)); });
  });
  return {
    info,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
