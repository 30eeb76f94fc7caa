/**
 * One synthesized Lambda function, run as Lambda runs it: each execution environment is a child process
 * (bootstrap.js) with the function's file layout, exactly the environment the template gives it plus the
 * variables Lambda itself sets, and the role's credentials. One invocation at a time per environment; a new
 * environment starts when all are busy; an invocation past the function's timeout kills its environment.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LambdaFileSystem } from './layout';

export interface LambdaSpec {
  functionName: string;
  functionArn: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  fs: LambdaFileSystem;
  /** The template's Environment.Variables, resolved. */
  environment: Record<string, string>;
  region: string;
  logGroup: string;
  /** The execution role's temporary credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
  credentials: Record<string, string>;
  /** Where the SDK clients reach "AWS" (the rehearsal's IAM-checking plane): AWS_ENDPOINT_URL. */
  awsEndpoint: string;
  /** Each line the function writes to stdout/stderr, as Lambda sends it to CloudWatch Logs. */
  onLog(stream: string, line: string): void;
}

export type InvokeResult =
  | { ok: true; result: unknown }
  | { ok: false; error: { errorType: string; errorMessage: string } };

/** Variables Lambda sets itself; a template may not set them (CreateFunction rejects reserved keys). */
const RESERVED = ['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR'];

const BOOTSTRAP = join(__dirname, 'bootstrap.js');

interface Environment { child: ChildProcess; busy: boolean; ready: Promise<void>; stream: string }

export class LambdaFunction {
  private readonly environments: Environment[] = [];
  private sequence = 0;
  /** Every initialization error and timeout, for assertions. */
  readonly failures: string[] = [];

  constructor(readonly spec: LambdaSpec) {
    const reserved = Object.keys(spec.environment).filter((k) => RESERVED.includes(k));
    if (reserved.length > 0) throw new Error(`${spec.functionName}: the template sets reserved Lambda variables ${reserved.join(', ')}`);
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    const env = this.environments.find((e) => !e.busy) ?? this.start();
    env.busy = true;
    try {
      await env.ready;
    } catch (err) {
      void this.retire(env);
      return { ok: false, error: { errorType: 'Runtime.ImportModuleError', errorMessage: (err as Error).message } };
    }
    const id = ++this.sequence;
    const deadline = Date.now() + this.spec.timeoutSeconds * 1000;
    return new Promise<InvokeResult>((resolve) => {
      const finish = (result: InvokeResult) => {
        clearTimeout(timer);
        env.child.off('message', onMessage);
        env.child.off('exit', onExit);
        env.busy = false;
        resolve(result);
      };
      const onMessage = (message: { type: string; id?: number; result?: unknown; error?: { errorType: string; errorMessage: string } }) => {
        if (message.id !== id) return;
        finish(message.type === 'result' ? { ok: true, result: message.result } : { ok: false, error: message.error! });
      };
      const onExit = (code: number | null) => {
        void this.retire(env);
        finish({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status ${code}` } });
      };
      const timer = setTimeout(() => {
        const message = `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`;
        this.failures.push(message);
        void this.retire(env);
        finish({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: message } });
      }, this.spec.timeoutSeconds * 1000);
      env.child.on('message', onMessage);
      env.child.once('exit', onExit);
      env.child.send({ id, event, deadline, requestId: `req-${id}`, functionArn: this.spec.functionArn });
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.environments].map((env) => this.retire(env)));
  }

  private start(): Environment {
    const { spec } = this;
    const stream = `2026/01/01/[$LATEST]${(this.environments.length + 1).toString(16).padStart(32, '0')}`;
    const env: Record<string, string> = {
      ...spec.environment,
      _HANDLER: spec.handler,
      AWS_REGION: spec.region,
      AWS_DEFAULT_REGION: spec.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: stream,
      LAMBDA_TASK_ROOT: spec.fs.taskRoot,
      LAMBDA_RUNTIME_DIR: spec.fs.runtimeDir,
      NODE_PATH: spec.fs.nodePath,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      ...spec.credentials,
      AWS_ENDPOINT_URL: spec.awsEndpoint,
    };
    const child = fork(BOOTSTRAP, [], { cwd: spec.fs.taskRoot, env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    for (const output of [child.stdout!, child.stderr!]) {
      createInterface({ input: output }).on('line', (line) => spec.onLog(stream, line));
    }
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { type: string; error?: { errorType: string; errorMessage: string } }) => {
        if (message.type === 'ready') { child.off('message', onMessage); resolve(); }
        if (message.type === 'init-error') {
          const text = `${spec.functionName} failed to initialize: ${message.error!.errorType}: ${message.error!.errorMessage}`;
          this.failures.push(text);
          reject(new Error(text));
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`${spec.functionName}: environment exited with ${code} during init`)));
    });
    ready.catch(() => undefined);
    const environment: Environment = { child, busy: false, ready, stream };
    this.environments.push(environment);
    return environment;
  }

  /** Never rejects; an invocation's answer does not wait for the kill (`void this.retire(env)`). */
  private retire(env: Environment): Promise<void> {
    const i = this.environments.indexOf(env);
    if (i !== -1) this.environments.splice(i, 1);
    if (env.child.exitCode !== null || env.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      env.child.once('exit', () => resolve());
      env.child.kill('SIGKILL');
    });
  }
}
