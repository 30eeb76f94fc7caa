/** `cdk synth` as a user runs it (the repository's cdk.json and CDK CLI), into a temporary cloud assembly. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { CfnTemplate } from './template';

const REPO = resolve(__dirname, '..', '..');
const CDK_CLI = join(REPO, 'node_modules', 'aws-cdk', 'bin', 'cdk');

export interface CloudAssembly {
  dir: string;
  stackName: string;
  template: CfnTemplate;
}

export async function synthesize(projectDir: string, outDir: string, context: Record<string, string> = {}): Promise<CloudAssembly> {
  const contextArgs = Object.entries({ projectDir, ...context }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const env = { ...process.env };
  // No credentials: synth must not need them (and must not look anything up).
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  try {
    await promisify(execFile)(process.execPath, [CDK_CLI, 'synth', '--quiet', '--no-notices', '--output', outDir, ...contextArgs], {
      cwd: REPO, env, maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(`cdk synth failed:\n${stderr ?? String(err)}`);
  }
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`expected one stack in the cloud assembly, found ${stacks.length}`);
  const [stackName, artifact] = stacks[0];
  const template = JSON.parse(readFileSync(join(outDir, artifact.properties!.templateFile!), 'utf8')) as CfnTemplate;
  return { dir: outDir, stackName, template };
}
