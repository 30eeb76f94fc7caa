/**
 * coldstart: the Lambda code built exactly as lib/ builds it at synth (lib/asset-bundler.ts bundleHandler +
 * lib/lambda-assets.ts), its sizes, and the time a fresh `node` process takes to require each handler module,
 * minus the time of `node -e 0` (median of N runs each, interleaved so load drift hits both alike).
 *
 * - ingest: the ingest Lambda's index.js.
 * - destination: the layer file nodejs/node_modules/destfn-runtime/destination-handler.js, plus the function's
 *   own asset (the one-line shim index.js and function/ with the webhook example). The shim requires the layer
 *   by module name through NODE_PATH, as on Lambda; here the layer sits in a temp dir on NODE_PATH.
 * @aws-sdk/* is external (Lambda's runtime ships it): NODE_PATH also holds this repo's node_modules so the
 * require resolves the installed SDK, as Lambda resolves its own. Fake AWS env so nothing reaches for
 * credentials. Targets: each bundle ≤ 1 MB; load ≤ 150 ms above `node -e 0`.
 * Also printed: the SDK packages a bundle loads at init, timed alone, and those it requires only on some
 * paths (e.g. the destination's SQS client, needed for a retry only).
 *     npx tsx bench/coldstart.ts [runs]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bundleHandler } from '../lib/asset-bundler';
import { toDeployable } from '../lib/function-discovery';
import { DEFAULT_HANDLER_ENTRIES, destinationFunctionFiles, FUNCTION_DIR, LAYER_HANDLER_FILE } from '../lib/lambda-assets';
import { readFunctionDefinition } from '../runtime/function/definition';
import { machineNote, median, note, printFigures } from './support/report';

const RUNS = Math.max(5, Number(process.argv[2]) || 21);
const REPO = resolve(__dirname, '..');
const MB = 1024 * 1024;

function write(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function bytes(text: string): number {
  return Buffer.byteLength(text);
}

/** Which of `candidates` (@aws-sdk packages) are in node's module cache once `args` has loaded a handler. */
function loadedAtInit(args: string[], candidates: string[], env: NodeJS.ProcessEnv): string[] {
  const list = `;process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const files = JSON.parse(execFileSync(process.execPath, [args[0], args[1] + list], { env, encoding: 'utf8' })) as string[];
  return candidates.filter((pkg) => files.some((file) => file.includes(`/node_modules/${pkg}/`)));
}

/** Wall time of one fresh `node <args>` in ms (spawn to exit). */
function timeNode(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  machineNote();
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-coldstart-'));
  try {
    const t0 = Date.now();
    const ingest = bundleHandler(DEFAULT_HANDLER_ENTRIES.ingest);
    const layer = bundleHandler(DEFAULT_HANDLER_ENTRIES.destination);
    note(`bundled both handlers with esbuild in ${Date.now() - t0} ms`);
    // The example is local only ("deploy": false); staged as synth would stage it, which is all a cold start needs.
    const webhook = toDeployable(readFunctionDefinition(join(REPO, 'functions', 'webhook')));
    const fnFiles = destinationFunctionFiles(webhook);
    const fnAssetBytes = Object.values(fnFiles).reduce((sum, text) => sum + bytes(text), 0);

    const ingestFile = join(root, 'ingest', 'index.js');
    write(ingestFile, ingest);
    write(join(root, 'opt', LAYER_HANDLER_FILE), layer);
    const fnDir = join(root, 'task');
    for (const [name, text] of Object.entries(fnFiles)) write(join(fnDir, name), text);

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      // As on Lambda: the layer's node_modules (its handler), then the SDK (here the repo's).
      NODE_PATH: [join(root, 'opt', 'nodejs', 'node_modules'), join(REPO, 'node_modules')].join(':'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_LAMBDA_FUNCTION_NAME: 'destfn-bench',
      POWERTOOLS_SERVICE_NAME: 'destfn',
      POWERTOOLS_METRICS_NAMESPACE: 'destfn',
      DESTFN_FUNCTIONS: JSON.stringify([{ name: 'webhook', queueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/webhook', sources: null, filter: null }]),
      DESTFN_SOURCE_SECRETS: JSON.stringify({ dev: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:dev' }),
      DESTFN_FUNCTION_NAME: 'webhook',
      LAMBDA_TASK_ROOT: fnDir,
      DESTFN_FUNCTION_DIR: FUNCTION_DIR,
      DESTFN_TABLE_NAME: 'destfn-deliveries',
      DESTFN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:webhook',
      DESTFN_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/webhook',
    };
    const loadIngest = ['-e', `const m = require(${JSON.stringify(ingestFile)}); if (typeof m.handler !== 'function') process.exit(3)`];
    const loadDestination = ['-e', `const m = require(${JSON.stringify(join(fnDir, 'index.js'))}); if (typeof m.handler !== 'function') process.exit(3)`];

    // What the bundles require from the Lambda runtime's SDK at load, loaded alone: the part no bundling can
    // shrink. Packages the bundle requires only on some paths (e.g. SQS for a retry) are listed apart.
    const sdkOf = (code: string) => [...new Set([...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]))].sort();
    const sdkLoad = (mods: string[]) => ['-e', mods.map((m) => `require(${JSON.stringify(m)})`).join(';')];
    const ingestSdk = loadedAtInit(loadIngest, sdkOf(ingest), env);
    const layerSdk = loadedAtInit(loadDestination, sdkOf(layer), env);
    const lazySdk = (code: string, loaded: string[]) => sdkOf(code).filter((m) => !loaded.includes(m));

    // One untimed run of each (page cache), then RUNS interleaved rounds.
    for (const args of [['-e', '0'], loadIngest, loadDestination]) timeNode(args, env);
    const base: number[] = [];
    const ing: number[] = [];
    const dst: number[] = [];
    const ingSdk: number[] = [];
    const dstSdk: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      base.push(timeNode(['-e', '0'], env));
      ing.push(timeNode(loadIngest, env));
      dst.push(timeNode(loadDestination, env));
      ingSdk.push(timeNode(sdkLoad(ingestSdk), env));
      dstSdk.push(timeNode(sdkLoad(layerSdk), env));
    }
    const b = median(base);
    const mi = median(ing);
    const md = median(dst);
    note(`medians of ${RUNS} runs: node -e 0 ${b.toFixed(1)} ms, ingest ${mi.toFixed(1)} ms, destination (shim → layer) ${md.toFixed(1)} ms`);
    note(`of which the AWS SDK v3 clients alone (external, shipped by Lambda): ingest ${(median(ingSdk) - b).toFixed(1)} ms [${ingestSdk.join(', ')}], destination ${(median(dstSdk) - b).toFixed(1)} ms [${layerSdk.join(', ')}]`);
    note(`required later, only on the paths that need them: ingest [${lazySdk(ingest, ingestSdk).join(', ') || 'none'}], destination [${lazySdk(layer, layerSdk).join(', ') || 'none'}]`);
    note(`function asset (shim + function/ of the webhook example): ${fnAssetBytes} bytes`);
    printFigures([
      { name: 'coldstart.ingest_bundle', value: bytes(ingest) / MB, unit: 'MB (target ≤ 1)', digits: 3 },
      { name: 'coldstart.destination_layer_bundle', value: bytes(layer) / MB, unit: 'MB (target ≤ 1)', digits: 3 },
      { name: 'coldstart.destination_function_asset', value: fnAssetBytes / MB, unit: 'MB (target ≤ 1)', digits: 4 },
      { name: 'coldstart.baseline_node_e_0', value: b, unit: 'ms (median)' },
      { name: 'coldstart.ingest_load_above_baseline', value: mi - b, unit: 'ms (target ≤ 150)' },
      { name: 'coldstart.destination_load_above_baseline', value: md - b, unit: 'ms (target ≤ 150)' },
      { name: 'coldstart.ingest_ratio', value: mi / b, unit: '× the baseline', digits: 2 },
      { name: 'coldstart.destination_ratio', value: md / b, unit: '× the baseline', digits: 2 },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
