/**
 * People using the deployed stack in the rehearsal: credentials of a principal whose only permissions are one of
 * the stack's managed policies, and `npx destfn <args> --aws` run as a user runs it, with those credentials.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AwsPlane } from './aws-plane';
import type { DeployedStack } from './deploy';
import type { CloudAssembly } from './synth';

const CLI = join(resolve(__dirname, '..', '..'), 'bin', 'destfn.cjs');

export type Credentials = Record<string, string>;
export interface CliResult { code: number; stdout: string; stderr: string }

/** One principal per policy (made on first use), named `<prefix>-operators` / `<prefix>-deployers`. */
export function policyPeople(assembly: CloudAssembly, stack: DeployedStack, prefix: string): (policy: 'Operators' | 'Deployers') => Credentials {
  const people = new Map<string, Credentials>();
  return (policy) => {
    const name = `${prefix}-${policy.toLowerCase()}`;
    if (!people.has(name)) {
      const id = Object.keys(assembly.template.Resources).find((k) => k.startsWith(`Access${policy}`))!;
      people.set(name, stack.principalWithManagedPolicy(id, name));
    }
    return people.get(name)!;
  };
}

/** `npx destfn <args>` in `projectDir`, against the plane, with only `credentials` (and PATH) in its environment. */
export async function destfnCli(
  args: string[], credentials: Credentials, where: { plane: AwsPlane; projectDir: string; home: string },
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: where.home, AWS_REGION: where.plane.region, AWS_ENDPOINT_URL: where.plane.endpoint, ...credentials,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { cwd: where.projectDir, env });
    return { code: 0, stdout, stderr: withoutSdkNodeWarning(stderr) };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: withoutSdkNodeWarning(e.stderr ?? '') };
  }
}

/** The AWS SDK's notice that its 2027 releases will need Node 22 (printed once per process on Node 20). */
function withoutSdkNodeWarning(stderr: string): string {
  return stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?to show where the warning was created\)\n/, '');
}
