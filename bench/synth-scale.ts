/**
 * synth-scale: `cdk synth` as a user runs it (the repository's cdk.json, bin/app.ts with cdk-nag, the CDK CLI) of a
 * project with 200 copies of the webhook example, against the same project with 1 copy, alternated in one run so
 * load drift hits both alike. Prints each run, the medians and the ratio; also the deploy limits of the 200-function
 * assembly, counted with realistic names (test/cdk/support/deploy-limits.ts).
 *     npx tsx bench/synth-scale.ts [runs] [functions]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STACK_NAME } from '../runtime/aws/contract';
import { largest, measure, overLimits } from '../test/cdk/support/deploy-limits';
import { readAssembly } from '../test/cdk/support/realistic-values';
import { writeWebhookCopies } from '../test/cdk/support/webhook-copies';
import { machineNote, median, note, printFigures } from './support/report';

const RUNS = Math.max(1, Number(process.argv[2]) || 3);
const FUNCTIONS = Math.max(2, Number(process.argv[3]) || 200);
const REPO = resolve(__dirname, '..');
const CDK_CLI = join(REPO, 'node_modules', 'aws-cdk', 'bin', 'cdk');

function synth(projectDir: string, outDir: string): number {
  rmSync(outDir, { recursive: true, force: true });
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, [CDK_CLI, 'synth', '--quiet', '--no-notices', '--output', outDir, '-c', `projectDir=${projectDir}`], {
    cwd: REPO, env, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 64 * 1024 * 1024,
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function main(): void {
  machineNote();
  const root = mkdtempSync(join(tmpdir(), 'destfn-synth-scale-'));
  try {
    const projects = { one: join(root, 'one'), many: join(root, 'many') };
    for (const [dir, n] of [[projects.one, 1], [projects.many, FUNCTIONS]] as const) {
      mkdirSync(dir, { recursive: true });
      writeWebhookCopies(dir, n);
    }
    const times = { one: [] as number[], many: [] as number[] };
    for (let run = 1; run <= RUNS; run++) {
      for (const which of ['one', 'many'] as const) {
        const ms = synth(projects[which], join(root, `out-${which}`));
        times[which].push(ms);
        note(`run ${run}: ${which === 'one' ? 1 : FUNCTIONS} function(s): ${(ms / 1000).toFixed(1)} s`);
      }
    }
    const measures = measure(readAssembly(join(root, 'out-many'), STACK_NAME));
    for (const [limit, m] of Object.entries(largest(measures))) note(`${FUNCTIONS} functions, largest ${limit}: ${m.value} of ${m.limit} (${m.where})`);
    const over = overLimits(measures);
    note(over.length === 0 ? 'every deploy limit holds' : `OVER LIMITS:\n${over.join('\n')}`);
    const [one, many] = [median(times.one), median(times.many)];
    note(`ranges: 1 function ${(Math.min(...times.one) / 1000).toFixed(1)}–${(Math.max(...times.one) / 1000).toFixed(1)} s, `
      + `${FUNCTIONS} functions ${(Math.min(...times.many) / 1000).toFixed(1)}–${(Math.max(...times.many) / 1000).toFixed(1)} s`);
    printFigures([
      { name: 'synth_1_function_median', value: one / 1000, unit: 's' },
      { name: `synth_${FUNCTIONS}_functions_median`, value: many / 1000, unit: 's' },
      { name: `synth_${FUNCTIONS}_vs_1_ratio`, value: many / one, unit: 'x', digits: 2 },
    ]);
    if (over.length > 0) process.exitCode = 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main();
