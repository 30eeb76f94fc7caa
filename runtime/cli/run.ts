/**
 * `destfn run <fn> --event <file.json|type> [--settings file.json] [--dir functionsDir] [--json]`:
 * the Segment editor's "Run" button. Invokes the function once, directly (the filter is reported,
 * not applied), and prints Callback Return and Log Output. Exit 0 when delivered, 1 otherwise.
 * For a folder with instances, `fn` runs every instance (each with its own settings) and `fn:eu` one.
 */
import { resolve } from 'node:path';
import { createFunctionInstance, type FunctionDefinition } from '../function';
import { compileFilter } from '../routing/filter';
import { readLocalSettingValues, readSettingValues, resolveSettings } from '../settings';
import type { SegmentEvent } from '../events/types';
import { readEventInput } from './event-input';
import { readTargetDefinitions } from './function-target';
import { formatHuman, formatJson, type RunReport } from './run-output';
import { parseCommandArgs } from './args';

export const summary = 'invoke a function once with an event, like the Segment editor\'s Run button';

const USAGE = 'usage: destfn run <function>[:<instance>] --event <file.json | track|identify|page|screen|group|alias|delete>\n'
  + '                  [--settings file.json] [--dir functionsDir] [--json]\n';

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('run', USAGE, argv, { event: { type: 'string' }, settings: { type: 'string' }, dir: { type: 'string' }, json: { type: 'boolean' } });
  if (!parsed) return 1;
  const [name, ...extra] = parsed.positionals;
  const { event: eventArg, settings: settingsFile, dir = 'functions', json = false } = parsed.values;
  if (!name || extra.length > 0 || !eventArg) {
    process.stderr.write(USAGE);
    return 1;
  }

  const reports: { name: string; report: RunReport }[] = [];
  try {
    const definitions = readTargetDefinitions(resolve(dir), name);
    const event = readEventInput(eventArg);
    for (const definition of definitions) reports.push({ name: definition.name, report: await runOnce(definition, event, settingsFile) });
  } catch (err) {
    process.stderr.write(`destfn run: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const titled = reports.length > 1 || reports[0].name !== name;
  for (const { name: fn, report } of reports) {
    if (titled && !json) process.stdout.write(`== ${fn} ==\n`);
    process.stdout.write(json ? (titled ? `${JSON.stringify({ function: fn, ...JSON.parse(formatJson(report)) as object })}\n` : formatJson(report)) : formatHuman(report));
  }
  return reports.every(({ report }) => report.outcome.status === 'delivered') ? 0 : 1;
}

async function runOnce(definition: FunctionDefinition, event: SegmentEvent, settingsFile?: string): Promise<RunReport> {
  const values = { ...readLocalSettingValues(definition.dir, definition.instance), ...(settingsFile ? readSettingValues(settingsFile) : {}) };
  const settings = resolveSettings(definition, values);

  const filter = compileFilter(definition.name, definition.config.filter);
  const filterNote = filter.matches(event) ? null : `the function's filter ${filter.source} does not match this event: the engine would not deliver it`;

  const instance = createFunctionInstance(definition, settings);
  try {
    const outcome = await instance.invoke(event);
    return { outcome, loadLogs: instance.loadLogs, filterNote };
  } finally {
    instance.dispose();
  }
}
