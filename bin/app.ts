/**
 * The CDK app: `npx cdk synth|deploy`. Context (all optional):
 *   -c projectDir=<dir>    project root holding destfn.config.json (default: the current directory)
 *   -c functionsDir=<dir>  destination function folders (default: <projectDir>/functions)
 *   -c allowLoopbackSettings=true  deploy functions whose settings point at localhost (rehearsals only)
 */
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DestfnStack } from '../lib/destfn-stack';
import { STACK_NAME } from '../runtime/aws/contract';

function main(): void {
  const app = new App({ autoSynth: false });
  const projectDir = resolve(String(app.node.tryGetContext('projectDir') ?? '.'));
  const functionsDir = resolve(projectDir, String(app.node.tryGetContext('functionsDir') ?? 'functions'));
  new DestfnStack(app, STACK_NAME, {
    projectDir,
    functionsDir,
    allowLoopbackSettings: String(app.node.tryGetContext('allowLoopbackSettings')) === 'true',
    description: 'destfn: Segment-style destination functions (ingest API, one queue and Lambda per function)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}

try {
  main();
} catch (err) {
  // Configuration errors (missing setting, bad function.json…) are for people, not stack traces.
  process.stderr.write(`destfn: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
