/** `destfn new <fn> [--template webhook|google-cloud-function|microsoft-teams] [--dir functionsDir]`: scaffold a function folder. */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { readFunctionDefinition } from '../function/definition';
import { renderTemplate, SINK_BASE, templateName, TEMPLATES } from './templates';
import { parseCommandArgs } from './args';

export const summary = 'scaffold a function folder from a template (webhook, google-cloud-function, microsoft-teams)';

const USAGE = `usage: destfn new <function> [--template ${TEMPLATES.join('|')}] [--dir functionsDir]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('new', USAGE, argv, { template: { type: 'string' }, dir: { type: 'string' } });
  if (!parsed) return 1;
  const [name, ...extra] = parsed.positionals;
  if (!name || extra.length > 0) {
    process.stderr.write(USAGE);
    return 1;
  }
  const template = templateName(parsed.values.template ?? 'webhook');
  if (!template) {
    process.stderr.write(`destfn new: unknown template "${parsed.values.template}" (choose ${TEMPLATES.join(', ')})\n`);
    return 1;
  }
  const functionsDir = resolve(parsed.values.dir ?? 'functions');
  const target = join(functionsDir, name);
  if (existsSync(target)) {
    process.stderr.write(`destfn new: ${shown(target)} already exists; not overwriting it\n`);
    return 1;
  }

  let files: Map<string, string>;
  try {
    files = renderTemplate(template, name);
    mkdirSync(functionsDir, { recursive: true });
    mkdirSync(target); // fails if it appeared meanwhile: never write into someone else's folder
  } catch (err) {
    process.stderr.write(`destfn new: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    for (const [file, content] of files) writeFileSync(join(target, file), content, { flag: 'wx' });
    readFunctionDefinition(target); // the loader's own checks (name, function.json, source)
  } catch (err) {
    rmSync(target, { recursive: true, force: true }); // we created it just above
    process.stderr.write(`destfn new: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }

  const dirFlag = parsed.values.dir ? ` --dir ${parsed.values.dir}` : '';
  process.stdout.write(
    `created ${shown(target)}/ from the ${template} template\n`
    + `try it: npx destfn run ${name} --event track${dirFlag}\n`
    + `(it delivers to ${SINK_BASE}${name}: start the local engine with npm start, or edit ${shown(target)}/settings.json)\n`,
  );
  return 0;
}

/** Relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
