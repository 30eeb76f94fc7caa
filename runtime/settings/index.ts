/**
 * Settings: the values a function runs with, declared in its function.json (type, required, secret, default).
 *
 * Where values come from: locally settings.json (committed, no secrets) merged with settings.local.json
 * (git-ignored) [local.ts, file.ts], `destfn run --settings <file>`, and `destfn secrets set <fn> KEY=VALUE`
 * [command-line.ts]; on AWS settings.json as staged at synth plus the function's secret (runtime/aws/function-loader.ts).
 * However they come, one coercion [types.ts] and one resolution [resolve.ts: defaults, types, required] check
 * them, so a value one path accepts the others accept. Secret values are redacted from logs, errors and
 * results [redact.ts]. Every JSON file destfn reads goes through readJsonFile [json-file.ts], whose errors
 * never quote the file's text.
 *
 * The destination Lambda imports json-file.ts, file.ts, resolve.ts and redact.ts directly, not this face:
 * local.ts reads function.json, whose schema (zod) stays out of the Lambda.
 */
export { readJsonFile, jsonErrorReason } from './json-file';
export { COMMITTED_SETTINGS_FILE, LOCAL_SETTINGS_FILE, readSettingValues, readSettingsFile } from './file';
export { readLocalSettingValues, writeLocalSettingValues } from './local';
export { parseSettingAssignments } from './command-line';
export { coerceSetting, type Coerced } from './types';
export {
  resolveSetting, resolveSettings, secretValues, type DeclaredSettings, type ResolveSettingsOptions, type Settings,
} from './resolve';
export { createRedactor, MIN_SECRET_LENGTH, noRedaction, REDACTED, redactDeep, type Redactor } from './redact';
