/**
 * A Lambda execution environment's file system as the Node.js 22 runtime lays it out, in a temp dir:
 *   <root>/task     the function's asset (LAMBDA_TASK_ROOT, /var/task on Lambda)
 *   <root>/opt      the layers' contents, unpacked in order (/opt)
 *   <root>/runtime  the runtime's own node_modules: the AWS SDK v3 and nothing else (/var/runtime)
 * NODE_PATH is Lambda's, with those paths. Nothing else of this repository can be resolved from there.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_NODE_MODULES = resolve(__dirname, '..', '..', '..', 'node_modules');
/** The SDK v3 scope the Lambda Node.js runtimes ship (the CDK's NodejsFunction leaves it out of bundles too). */
const RUNTIME_PROVIDED_SCOPE = '@aws-sdk';

export interface LambdaFileSystem {
  root: string;
  taskRoot: string;
  opt: string;
  runtimeDir: string;
  nodePath: string;
}

export function layOutLambda(root: string, functionAsset: string, layerAssets: readonly string[]): LambdaFileSystem {
  const taskRoot = join(root, 'task');
  const opt = join(root, 'opt');
  const runtimeDir = join(root, 'runtime');
  cpSync(functionAsset, taskRoot, { recursive: true });
  mkdirSync(opt, { recursive: true });
  for (const layer of layerAssets) cpSync(layer, opt, { recursive: true, force: true });
  linkRuntimeSdk(join(runtimeDir, 'node_modules'));
  // Lambda's NODE_PATH for nodejs22.x: /opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task
  const nodePath = [join(opt, 'nodejs', 'node22', 'node_modules'), join(opt, 'nodejs', 'node_modules'),
    join(runtimeDir, 'node_modules'), runtimeDir, taskRoot].join(':');
  return { root, taskRoot, opt, runtimeDir, nodePath };
}

/** Each @aws-sdk/* package this repository installed, linked (its own dependencies resolve from its real path). */
function linkRuntimeSdk(nodeModules: string): void {
  const scopeDir = join(nodeModules, RUNTIME_PROVIDED_SCOPE);
  mkdirSync(scopeDir, { recursive: true });
  const source = join(REPO_NODE_MODULES, RUNTIME_PROVIDED_SCOPE);
  if (!existsSync(source)) throw new Error(`${source} is missing: run npm ci`);
  for (const name of readdirSync(source)) symlinkSync(join(source, name), join(scopeDir, name), 'dir');
}

/** Every file of a directory, relative paths. */
export function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}
