/**
 * Function names: a folder without instances runs as `<folder>`; each instance of a folder that declares them
 * runs as `<folder>:<instance>`. That name is the key of its queue rows, delivery records and logs, its records'
 * `<name>#` key prefix on AWS and its construct id. Both parts follow NAME_PATTERN (no `:` and no `#`), so
 * `fn:eu#…` never starts with `fn:eu2#` or `fn#`: a plain function's `fn#*` cannot read an instance's records.
 *
 * The CLI addresses `fn` (the folder: every instance) or `fn:instance` (one).
 */
import { NAME_PATTERN } from './config';

export const INSTANCE_SEPARATOR = ':';

export function instanceFunctionName(folder: string, instance: string): string {
  return `${folder}${INSTANCE_SEPARATOR}${instance}`;
}

/** "fn:eu" → { folder: "fn", instance: "eu" }; "fn" → { folder: "fn", instance: null }. Throws on any other shape. */
export function parseFunctionName(name: string): { folder: string; instance: string | null } {
  const parts = name.split(INSTANCE_SEPARATOR);
  if (parts.length > 2 || !parts.every((part) => NAME_PATTERN.test(part))) {
    throw new Error(`"${name}" is not a function name: expected <function> or <function>:<instance> (letters, digits, "-" and "_")`);
  }
  return { folder: parts[0], instance: parts[1] ?? null };
}

/** Whether `name` (a running function) is addressed by `target` (`fn`: the folder's every instance; `fn:eu`: that one). */
export function isAddressedBy(target: string, name: string): boolean {
  return name === target || (!target.includes(INSTANCE_SEPARATOR) && name.startsWith(`${target}${INSTANCE_SEPARATOR}`));
}

/**
 * The names among `known` that `target` addresses; an error listing `known` when there is none.
 * @param where e.g. "in .destfn" or "in the stack Destfn", for the error.
 */
export function resolveFunctionTarget(target: string, known: readonly string[], where: string): string[] {
  parseFunctionName(target);
  const names = known.filter((name) => isAddressedBy(target, name));
  if (names.length === 0) {
    throw new Error(`no function "${target}" ${where}; ${known.length > 0 ? `the functions are: ${known.join(', ')}` : 'no function has run here yet'}`);
  }
  return names;
}
