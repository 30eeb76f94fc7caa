/**
 * A console run's process: started by run-process.ts under the same permission model as a function's workers
 * (worker-launch.ts: it reads only its code, node_modules and the function's folder; empty environment; locked
 * down before the function loads). Runs one event and reports the result; the engine then ends it.
 */
import { lockDownProcess } from '../../worker-lockdown';
import { executeRun } from './execute-run';
import type { FromRunChild, ToRunChild } from './run-child-protocol';

// Taken before the function's code runs: whatever it does to `process`, the result still reaches the engine.
const ipcSend = process.send!.bind(process) as (message: FromRunChild) => boolean;
const exit = process.exit.bind(process);

process.on('disconnect', () => exit(0));
process.once('message', (message: ToRunChild) => {
  if (message?.type !== 'run') return exit(1);
  lockDownProcess();
  executeRun(message.input).then(
    (result) => ipcSend({ type: 'result', result: JSON.parse(JSON.stringify(result)) as typeof result }),
    (err: unknown) => ipcSend({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
