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
  return {
    async pause(target) {
      const said: string[] = [];
      for (const fn of projectTargetNames(target)) {
        const states = await switchEventSource(fn, false, aws);
        said.push(`pause --aws: the event source of "${fn}" is ${states.join(', ').toLowerCase()}: its Lambda stops receiving within a minute; `
          + `events wait in its queue without using attempts (mind the queue's retention, 14 days). \`destfn resume ${fn} --aws\` resumes.\n`);
      }
      return said.join('');
    },
    async resume(target) {
      const said: string[] = [];
      for (const fn of projectTargetNames(target)) {
        const states = await switchEventSource(fn, true, aws);
        said.push(`resume --aws: the event source of "${fn}" is ${states.join(', ').toLowerCase()}: its Lambda receives its queue again.\n`);
      }
      return said.join('');
    },
    async status(target, format = 'text') {
      const names = target === undefined ? deployedProjectFunctions() : projectTargetNames(target);
      if (names.length === 0) throw new Error('no deployed function in ./functions: run it in the project folder, or name the function');
      const statuses = await mapLimit(names, STATUS_CONCURRENCY, (fn) => awsFunctionStatus(fn, aws));
      return format === 'json' ? awsStatusJson(statuses) : formatAwsStatus(statuses);
    },
    close() {},
  };
}
