/**
 * `destfn run <fn> --event <file.json|type> [--settings file.json] [--dir functionsDir] [--json]`:
 * the Segment editor's "Run" button. Invokes the function once, directly (the filter is reported,
 * not applied), and prints Callback Return and Log Output. Exit 0 when delivered, 1 otherwise.
 * A file holding a batch (a JSON array of events, as Segment's editor takes, or a /v1/batch body) goes to onBatch
 * (or, without one, each event through its handler), and every event must be delivered for exit 0.
 * For a folder with instances, `fn` runs every instance (each with its own settings) and `fn:eu` one.
 */
import { resolve } from 'node:path';
import { createFunctionInstance, type FunctionDefinition } from '../function';
import { compileFilter } from '../routing/filter';
import { readLocalSettingValues, readSettingValues, resolveSettings } from '../settings';
import type { SegmentEvent } from '../events/types';
import { readEventInput } from './event-input';
import { readTargetDefinitions } from './function-target';
import { formatRunHuman, formatRunJson, isDelivered, type BatchRunReport, type RunReport } from './run-output';
import { parseCommandArgs } from './args';

export const summary = 'invoke a function once with an event, like the Segment editor\'s Run button';

const USAGE = 'usage: destfn run <function>[:<instance>] --event <file.json | track|identify|page|screen|group|alias|delete>\n'
  + '                  [--settings file.json] [--dir functionsDir] [--json]\n'
  + '  file.json: one event, or a JSON array of events (they go to onBatch)\n';

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('run', USAGE, argv, { event: { type: 'string' }, settings: { type: 'string' }, dir: { type: 'string' }, json: { type: 'boolean' } });
  if (!parsed) return 1;
  const [name, ...extra] = parsed.positionals;
  const { event: eventArg, settings: settingsFile, dir = 'functions', json = false } = parsed.values;
  if (!name || extra.length > 0 || !eventArg) {
    process.stderr.write(USAGE);
    return 1;
  }

  const reports: { name: string; report: RunReport | BatchRunReport }[] = [];
  try {
    const definitions = readTargetDefinitions(resolve(dir), name);
    const input = readEventInput(eventArg);
    for (const definition of definitions) reports.push({ name: definition.name, report: await runOnce(definition, input, settingsFile) });
  } catch (err) {
    process.stderr.write(`destfn run: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const titled = reports.length > 1 || reports[0].name !== name;
  for (const { name: fn, report } of reports) {
    if (titled && !json) process.stdout.write(`== ${fn} ==\n`);
    process.stdout.write(json ? (titled ? `${JSON.stringify({ function: fn, ...JSON.parse(formatRunJson(report)) as object })}\n` : formatRunJson(report)) : formatRunHuman(report));
  }
  return reports.every(({ report }) => isDelivered(report)) ? 0 : 1;
}

async function runOnce(definition: FunctionDefinition, input: SegmentEvent | SegmentEvent[], settingsFile?: string): Promise<RunReport | BatchRunReport> {
  const values = { ...readLocalSettingValues(definition.dir, definition.instance), ...(settingsFile ? readSettingValues(settingsFile) : {}) };
  const settings = resolveSettings(definition, values);

  const filter = compileFilter(definition.name, definition.config.filter);
  const events = Array.isArray(input) ? input : [input];
  const unmatched = events.filter((event) => !filter.matches(event)).length;
  const filterNote = unmatched === 0 ? null
    : Array.isArray(input) ? `the function's filter ${filter.source} does not match ${unmatched} of these ${events.length} events: the engine would not deliver those`
    : `the function's filter ${filter.source} does not match this event: the engine would not deliver it`;

  const instance = createFunctionInstance(definition, settings);
  try {
    if (!Array.isArray(input)) return { outcome: await instance.invoke(input), loadLogs: instance.loadLogs, filterNote };
    return { outcomes: await instance.invokeBatch(input), onBatch: instance.hasOnBatch, loadLogs: instance.loadLogs, filterNote };
  } finally {
    instance.dispose();
  }
}
