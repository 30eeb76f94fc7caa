/** `node bin/destfn.cjs dev …` as a child process, for kill -9 and SIGTERM tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './functions';

export interface DevProcess {
  proc: ChildProcess;
  url: string;
  writeKey: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnDev(args: string[], env: Record<string, string> = {}): { proc: ChildProcess; output(): string; exited: DevProcess['exited'] } {
  const proc = spawn(process.execPath, [join(REPO, 'bin', 'destfn.cjs'), 'dev', ...args], {
    cwd: REPO,
    env: { ...process.env, DESTFN_RETRY_SCALE: '0.0001', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { proc, output: () => out, exited };
}

/** Start and wait for the banner (URL and write key). */
export async function startDev(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<DevProcess> {
  const child = spawnDev(['--port', '0', '--host', '127.0.0.1', ...args], env);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const out = child.output();
    const url = /(?:dev page|console) +(http:\/\/[^\s/]+)\//.exec(out)?.[1];
    const key = /write key +(\S+)/.exec(out)?.[1];
    if (url && key) return { ...child, url, writeKey: key };
    if (child.proc.exitCode !== null || Date.now() > until) {
      child.proc.kill('SIGKILL');
      throw new Error(`destfn dev did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
