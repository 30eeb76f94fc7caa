/** `POST /api/functions/:name/run`: the request body checked, the event validated like ingest, the settings overrides resolved. */
import * as z from 'zod';
import type { FunctionDefinition } from '../../../function/definition';
import { batchEntries } from '../../../events/batch-entries';
import type { SegmentEvent } from '../../../events/types';
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

/** Segment calls onBatch with up to 400 events; a Run shows each event's fate, so it takes as many, no more. */
const MAX_BATCH = 400;

export type RunRequestCheck = { ok: true; input: RunInput } | { ok: false; error: string };

/** `settings` are the function's resolved ones; the body's overrides go over them (not saved anywhere). */
export function checkRunRequest(body: unknown, definition: FunctionDefinition, settings: Settings, rootDir: string): RunRequestCheck {
  const parsed = runBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const { event, settings: overrides, network, stub } = parsed.data;
  const events = checkEvents(event);
  if (typeof events === 'string') return { ok: false, error: events };
  let resolved: Settings;
  try {
    resolved = resolveSettings(definition, { ...settings, ...overrides });
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  return { ok: true, input: { definition, settings: resolved, event: events, network, stub, rootDir } };
}

/** One event, or a batch (batch-entries.ts) of them, each validated like ingest does; else the error. */
function checkEvents(raw: unknown): SegmentEvent | SegmentEvent[] | string {
  const entries = batchEntries(raw);
  if (entries === null) {
    const validated = validateEvent(raw);
    return validated.ok ? validated.event : `event: ${validated.error}`;
  }
  if (entries.length === 0) return 'event: an empty batch; give it one event or more';
  if (entries.length > MAX_BATCH) return `event: a batch of ${entries.length} events; a Run takes at most ${MAX_BATCH}`;
  const events: SegmentEvent[] = [];
  for (const [i, entry] of entries.entries()) {
    const validated = validateEvent(entry);
    if (!validated.ok) return `event[${i}]: ${validated.error}`;
    events.push(validated.event);
  }
  return events;
}
