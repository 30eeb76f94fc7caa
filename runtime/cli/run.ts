/**
 * `destfn run <fn> --event <file.json|type> [--settings file.json] [--dir functionsDir] [--json]`:
 * the Segment editor's "Run" button. Invokes the function once, directly (the filter is reported,
 * not applied), and prints Callback Return and Log Output. Exit 0 when delivered, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFunctionInstance, readFunctionDefinition } from '../function';
import { compileFilter } from '../routing/filter';
import { readLocalSettingValues, readSettingValues, resolveSettings } from '../settings';
import { readEventInput } from './event-input';
import { formatHuman, formatJson, type RunReport } from './run-output';
import { parseCommandArgs } from './args';

export const summary = 'invoke a function once with an event, like the Segment editor\'s Run button';

const USAGE = 'usage: destfn run <function> --event <file.json | track|identify|page|screen|group|alias|delete>\n'
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

  let report: RunReport;
  try {
    report = await runOnce(resolve(dir), name, eventArg, settingsFile);
  } catch (err) {
    process.stderr.write(`destfn run: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  process.stdout.write(json ? formatJson(report) : formatHuman(report));
  return report.outcome.status === 'delivered' ? 0 : 1;
}

async function runOnce(functionsDir: string, name: string, eventArg: string, settingsFile?: string): Promise<RunReport> {
  const dir = join(functionsDir, name);
  if (!existsSync(dir)) throw new Error(`function "${name}" not found: no folder ${dir}`);
  const definition = readFunctionDefinition(dir);
  const values = { ...readLocalSettingValues(dir), ...(settingsFile ? readSettingValues(settingsFile) : {}) };
  const settings = resolveSettings(definition, values);
  const event = readEventInput(eventArg);

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
