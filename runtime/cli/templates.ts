/**
 * Templates of `destfn new` are the example functions themselves (functions/<template>/ of this
 * package), so there is one copy of each. Only non-secret files are copied: index.*, function.json
 * and settings.json, whose local-sink URLs are renamed to the new function's sink.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEMPLATES = ['webhook', 'google-cloud-function', 'microsoft-teams'] as const;
export type TemplateName = (typeof TEMPLATES)[number];
const ALIASES: Record<string, TemplateName> = { teams: 'microsoft-teams' };

export const TEMPLATES_DIR = join(__dirname, '..', '..', 'functions');
export const SINK_BASE = 'http://localhost:3000/_sink/';
const COPIED = ['index.js', 'index.ts', 'function.json'];

export function templateName(arg: string): TemplateName | null {
  const name = ALIASES[arg] ?? arg;
  return (TEMPLATES as readonly string[]).includes(name) ? (name as TemplateName) : null;
}

/** The files of a template for a function called `name`: file name → content. */
export function renderTemplate(template: TemplateName, name: string): Map<string, string> {
  const dir = join(TEMPLATES_DIR, template);
  const files = new Map<string, string>();
  for (const file of COPIED) {
    if (existsSync(join(dir, file))) files.set(file, readFileSync(join(dir, file), 'utf8'));
  }
  if (!files.has('function.json')) throw new Error(`template "${template}" is missing: ${dir} has no function.json`);
  const settingsFile = join(dir, 'settings.json');
  if (existsSync(settingsFile)) {
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(settings)) {
      if (value === `${SINK_BASE}${template}`) settings[key] = `${SINK_BASE}${name}`;
    }
    files.set('settings.json', `${JSON.stringify(settings, null, 2)}\n`);
  }
  return files;
}
