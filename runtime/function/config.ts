/** The schema of functions/<name>/function.json, with the defaults DESIGN.md gives. */
import * as z from 'zod'; // a namespace import lets esbuild drop the parts of zod not used (its locales: ~350 KB of the Lambda bundles)

export const settingSpecSchema = z.strictObject({
  type: z.enum(['string', 'boolean', 'array', 'map']),
  required: z.boolean().optional().default(false),
  secret: z.boolean().optional().default(false),
  default: z.unknown().optional(),
  description: z.string().optional(),
});
export type SettingSpec = z.infer<typeof settingSpecSchema>;

export const retryConfigSchema = z.strictObject({
  attempts: z.number().int().min(1).max(50).default(10),
  windowHours: z.number().positive().max(72).default(4),
});
export type RetryConfig = z.infer<typeof retryConfigSchema>;

export const functionConfigSchema = z.strictObject({
  description: z.string().optional().default(''),
  /** Source names this function subscribes to; omitted = all sources. */
  sources: z.array(z.string().min(1)).optional(),
  /** Segment subscription (FQL) filter; omitted = every event. */
  filter: z.string().optional(),
  /** Property paths removed before the function sees the event. */
  drop: z.array(z.string().min(1)).optional().default([]),
  settings: z.record(z.string(), settingSpecSchema).optional().default({}),
  timeoutSeconds: z.number().positive().max(900).default(5),
  maxConcurrency: z.number().int().min(1).max(1000).default(10),
  retry: retryConfigSchema.optional().default({ attempts: 10, windowHours: 4 }),
  /** What "any other throw" (not one of the four error classes) does: retry (default) or discard. */
  onUnknownError: z.enum(['retry', 'discard']).default('retry'),
  /** false = local only: the local engine runs it, `cdk synth` leaves it out of the stack. */
  deploy: z.boolean().default(true),
});
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

/** Every function has an optional secret `apiKey` setting unless it declares its own. */
export const DEFAULT_SETTINGS: Record<string, SettingSpec> = {
  apiKey: { type: 'string', required: false, secret: true },
};

/**
 * Parse a function.json value (or `undefined` when the file is absent).
 * Throws FunctionConfigError naming `file` and the offending field.
 */
export { parseFunctionConfig } from './config-parse';
