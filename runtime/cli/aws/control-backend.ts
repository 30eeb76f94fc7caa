/**
 * `destfn pause|resume|status --aws`: the pause that costs a deployed function no attempts is its SQS event source
 * mapping switched off (event-source-mappings.ts); status adds what each Lambda instance says of its own delivery
 * control (function-status.ts). A folder that declares instances stands for its deployed ones (project-targets.ts),
 * as for versions and rollback; status with no name shows every function of the project that deploys.
 */
import { mapLimit } from '../../invocation/map-limit';
import type { DeliveryControlBackend } from '../delivery-control-backend';
import { deployedProjectFunctions, projectTargetNames } from '../project-targets';
import type { AwsTarget } from './aws-config';
import { switchEventSource } from './event-source-mappings';
import { awsFunctionStatus, awsStatusJson, formatAwsStatus } from './function-status';

/** `status --aws` of every function: this many read at once. */
const STATUS_CONCURRENCY = 8;

export function createAwsControlBackend(aws: AwsTarget): DeliveryControlBackend {
  /** Switches the event source of every function `target` addresses, one after the other; what to say of each. */
  const switchAll = async (target: string, enabled: boolean, say: (fn: string, states: string) => string): Promise<string> => {
    const said: string[] = [];
    for (const fn of projectTargetNames(target)) said.push(say(fn, (await switchEventSource(fn, enabled, aws)).join(', ').toLowerCase()));
    return said.join('');
  };
  return {
    pause: (target) => switchAll(target, false, (fn, states) => `pause --aws: the event source of "${fn}" is ${states}: its Lambda stops receiving within a minute; `
      + `events wait in its queue without using attempts (mind the queue's retention, 14 days). \`destfn resume ${fn} --aws\` resumes.\n`),
    resume: (target) => switchAll(target, true, (fn, states) => `resume --aws: the event source of "${fn}" is ${states}: its Lambda receives its queue again.\n`),
    async status(target, format = 'text') {
      const names = target === undefined ? deployedProjectFunctions() : projectTargetNames(target);
      if (names.length === 0) throw new Error('no deployed function in ./functions: run it in the project folder, or name the function');
      const statuses = await mapLimit(names, STATUS_CONCURRENCY, (fn) => awsFunctionStatus(fn, aws));
      return format === 'json' ? awsStatusJson(statuses) : formatAwsStatus(statuses);
    },
    close() {},
  };
}
