/** Shared argument parsing of the destfn commands: node's parseArgs, and the usage on a bad flag. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` (positionals allowed); on an unknown or malformed flag prints `destfn <command>: …` and the usage, and returns undefined. */
export function parseCommandArgs<const O extends Options>(command: string, usage: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true as const, options });
  } catch (err) {
    process.stderr.write(`destfn ${command}: ${(err as Error).message}\n${usage}`);
    return undefined;
  }
}
