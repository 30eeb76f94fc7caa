import { FunctionConfigError } from '../api/errors';
import { DEFAULT_SETTINGS, functionConfigSchema, type FunctionConfig } from './config';

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
