/** Shared argument parsing of the destfn commands: node's parseArgs, and the usage on a bad flag. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AwsTarget } from './aws/aws-config';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` (positionals allowed unless `allowPositionals` is false); on an unknown or malformed flag, or
 * an unexpected positional, prints `destfn <command>: …` and the usage, and returns undefined.
 */
export function parseCommandArgs<const O extends Options>(command: string, usage: string, argv: string[], options: O, allowPositionals = true) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, allowPositionals, options });
  } catch (err) {
    process.stderr.write(`destfn ${command}: ${(err as Error).message}\n${usage}`);
    return undefined;
  }
}

/** The flags of every command with an `--aws` branch: the region and profile work as in the AWS CLI. */
export const AWS_FLAGS = {
  aws: { type: 'boolean', default: false },
  region: { type: 'string' },
  profile: { type: 'string' },
} as const;

export const AWS_USAGE = '--aws [--region r] [--profile p]';

/** The --region/--profile of a command; null (after printing why) when they are given without --aws. */
export function awsTargetOf(
  command: string, usage: string, values: { aws: boolean; region?: string; profile?: string },
): AwsTarget | null {
  if (!values.aws && (values.region !== undefined || values.profile !== undefined)) {
    process.stderr.write(`destfn ${command}: --region and --profile go with --aws\n${usage}`);
    return null;
  }
  return { region: values.region, profile: values.profile };
}
