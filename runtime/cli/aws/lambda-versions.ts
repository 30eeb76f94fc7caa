/**
 * `destfn versions|rollback <fn> --aws`: the published versions of a function's Lambda (number, date, code
 * version from the description) and the `live` alias the SQS event source invokes, moved by UpdateAlias: seconds,
 * no deploy. The Lambda's name is deterministic (contract functionResourceNames).
 */
import {
  GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand, UpdateAliasCommand, type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { functionResourceNames } from '../../aws/contract';
import { codeVersionOf, LIVE_ALIAS } from '../../aws/live-alias';
import { stackNameOf, withClientConfig, type AwsOpsOptions } from './stack-outputs';

export interface PublishedVersion {
  version: string;
  /** When it was published (Lambda's LastModified of that version), ISO. */
  date: string;
  /** The destfn code version it runs, from its description. */
  codeVersion: string | null;
  live: boolean;
}

export async function listVersionsAws(fn: string, options: AwsOpsOptions = {}): Promise<PublishedVersion[]> {
  return withLambda(fn, options, async (client, FunctionName) => {
    const live = await liveVersion(client, FunctionName, fn);
    const found: FunctionConfiguration[] = [];
    let Marker: string | undefined;
    do {
      const page = await client.send(new ListVersionsByFunctionCommand({ FunctionName, Marker }));
      found.push(...page.Versions ?? []);
      Marker = page.NextMarker;
    } while (Marker);
    return found
      .filter((v) => v.Version !== undefined && v.Version !== '$LATEST')
      .map((v) => ({ version: v.Version!, date: isoDate(v.LastModified), codeVersion: codeVersionOf(v.Description), live: v.Version === live }))
      .sort((a, b) => Number(b.version) - Number(a.version));
  });
}

/** Points `live` at `to`, or at the version published before the live one; returns both. */
export async function rollbackAws(fn: string, to: string | undefined, options: AwsOpsOptions = {}): Promise<{ from: string; to: PublishedVersion }> {
  const versions = await listVersionsAws(fn, options);
  const current = versions.find((v) => v.live);
  if (!current) throw new Error(`function "${fn}" has no "${LIVE_ALIAS}" alias on a published version: deploy it with \`npx cdk deploy\``);
  const target = to === undefined
    ? versions.find((v) => Number(v.version) < Number(current.version))
    : versions.find((v) => v.version === to);
  if (!target) {
    throw new Error(to === undefined
      ? `function "${fn}" has no version before ${current.version} to roll back to`
      : `function "${fn}" has no version ${to} (versions: ${versions.map((v) => v.version).join(', ')})`);
  }
  if (target.version !== current.version) {
    await withLambda(fn, options, (client, FunctionName) =>
      client.send(new UpdateAliasCommand({ FunctionName, Name: LIVE_ALIAS, FunctionVersion: target.version })));
  }
  return { from: current.version, to: { ...target, live: true } };
}

async function liveVersion(client: LambdaClient, FunctionName: string, fn: string): Promise<string | undefined> {
  try {
    return (await client.send(new GetAliasCommand({ FunctionName, Name: LIVE_ALIAS }))).FunctionVersion;
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    const message = (err as Error).message;
    if (/alias/i.test(message)) return undefined;
    throw new Error(`function "${fn}" is not deployed (no Lambda ${FunctionName}): deploy it with \`npx cdk deploy\``);
  }
}

async function withLambda<T>(fn: string, options: AwsOpsOptions, body: (client: LambdaClient, functionName: string) => Promise<T>): Promise<T> {
  const opts = await withClientConfig(options);
  const client = new LambdaClient(opts.clientConfig);
  try {
    return await body(client, functionResourceNames(stackNameOf(opts), fn).lambda);
  } finally {
    client.destroy();
  }
}

/** Lambda writes "2026-11-29T22:10:00.000+0000". */
function isoDate(lastModified: string | undefined): string {
  const at = Date.parse((lastModified ?? '').replace(/\+0000$/, 'Z'));
  return Number.isNaN(at) ? '' : new Date(at).toISOString();
}
