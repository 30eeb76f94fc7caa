/** functions/<name>/function.json: its schema with the defaults, parsed and read. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod'; // a namespace import lets esbuild drop the parts of zod not used (its locales: ~350 KB of the Lambda bundles)
import { FunctionConfigError } from '../api/errors';
import { readJsonFile } from '../settings/json-file';
import { SETTING_TYPES } from '../settings/types';
import { displayPath } from '../source/display-path';

export const settingSpecSchema = z.strictObject({
  type: z.enum(SETTING_TYPES),
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

/** A function or instance name: what may stand in `<folder>:<instance>`, a `<name>#` record key and a construct id. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** One configured instance of a folder (function.json `instances.<name>`): what it replaces of the folder's config. */
export const instanceConfigSchema = z.strictObject({
  description: z.string().optional(),
  sources: z.array(z.string().min(1)).optional(),
  filter: z.string().optional(),
  drop: z.array(z.string().min(1)).optional(),
  /** Committed, non-secret setting values of this instance, over the folder's settings.json. */
  settings: z.record(z.string(), z.unknown()).optional().default({}),
  retry: retryConfigSchema.optional(),
  deploy: z.boolean().optional(),
});
export type InstanceConfig = z.infer<typeof instanceConfigSchema>;

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
  /** Ceiling of the adaptive concurrency limit (runtime/delivery-control): events at the destination at once. */
  maxConcurrency: z.number().int().min(1).max(1000).default(200),
  /** Never more than `perSecond` events a second (`burst` at once; default a tenth of a second's worth). */
  rateLimit: z.strictObject({ perSecond: z.number().positive().max(100_000), burst: z.number().int().min(1).optional() }).optional(),
  retry: retryConfigSchema.optional().default({ attempts: 10, windowHours: 4 }),
  /** What "any other throw" (not one of the four error classes) does: retry (default) or discard. */
  onUnknownError: z.enum(['retry', 'discard']).default('retry'),
  /** false = local only: the local engine runs it, `cdk synth` leaves it out of the stack. */
  deploy: z.boolean().default(true),
  /** Configured instances (runtime/function/instances.ts); omitted = the folder is one function. */
  instances: z.record(z.string(), instanceConfigSchema).optional().superRefine((instances, ctx) => {
    for (const name of Object.keys(instances ?? {})) {
      if (!NAME_PATTERN.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'an instance name may only use letters, digits, "-" and "_"' });
    }
  }),
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
export function parseFunctionConfig(raw: unknown, file: string): FunctionConfig {
  const parsed = functionConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : '(root)';
    throw new FunctionConfigError(`${file}: field "${field}": ${issue.message}`);
  }
  const config = parsed.data;
  config.settings = { ...DEFAULT_SETTINGS, ...config.settings };
  return config;
}

/** function.json of a folder, with defaults; the defaults alone when the file is absent. */
export function readFunctionConfig(dir: string): FunctionConfig {
  const file = join(dir, 'function.json');
  return parseFunctionConfig(existsSync(file) ? readJsonFile(file) : undefined, displayPath(file));
}
