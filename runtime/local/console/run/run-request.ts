/** `POST /api/functions/:name/run`: the request body checked, the event validated like ingest, the settings overrides resolved. */
import * as z from 'zod';
import type { FunctionDefinition } from '../../../function/definition';
import { validateEvent } from '../../../events/validate';
import { resolveSettings, type Settings } from '../../../settings/resolve';
import type { RunInput } from './execute-run';

const runBody = z.strictObject({
  event: z.unknown(),
  settings: z.record(z.string(), z.unknown()).optional(),
  network: z.enum(['stub', 'real']).optional().default('stub'),
  stub: z.strictObject({
    status: z.number().int().min(200).max(599),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string(),
  }).optional(),
});

export type RunRequestCheck = { ok: true; input: RunInput } | { ok: false; error: string };

/** `settings` are the function's resolved ones; the body's overrides go over them (not saved anywhere). */
export function checkRunRequest(body: unknown, definition: FunctionDefinition, settings: Settings, rootDir: string): RunRequestCheck {
  const parsed = runBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const { event, settings: overrides, network, stub } = parsed.data;
  const validated = validateEvent(event);
  if (!validated.ok) return { ok: false, error: `event: ${validated.error}` };
  let resolved: Settings;
  try {
    resolved = resolveSettings(definition, { ...settings, ...overrides });
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  return { ok: true, input: { definition, settings: resolved, event: validated.event, network, stub, rootDir } };
}
