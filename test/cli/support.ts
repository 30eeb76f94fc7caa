/** Runs the real CLI (`node bin/destfn.cjs …`) as a child process. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'destfn.cjs');

export interface CliResult { code: number; stdout: string; stderr: string }

export function destfn(args: string[], cwd = ROOT): Promise<CliResult> {
  const env = { ...process.env };
  delete env.DESTFN_WRITE_KEY;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Replaces the last line ("status: delivered (took 12 ms, messageId …)") duration with a placeholder. */
export const stableDuration = (text: string) => text.replace(/took \d+ ms/, 'took N ms');

/** A command's main() in-process, capturing what it prints. */
export async function cli(main: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => { out += String(c); return true; }),
    jest.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => { err += String(c); return true; }),
  ];
  try {
    return { code: await main(argv), out, err };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
