/**
 * What the stack and `destfn versions|rollback --aws` share about Lambda versions: each deploy that changes a
 * function publishes a version whose description carries the code version (runtime/function/version.ts), and the
 * SQS event source invokes the alias `live`, which a rollback moves without a deploy.
 */
export const LIVE_ALIAS = 'live';

const DESCRIPTION_PREFIX = 'destfn code ';

export function versionDescription(codeVersion: string): string {
  return `${DESCRIPTION_PREFIX}${codeVersion}`;
}

/** The code version in a published version's description; null for one destfn did not describe. */
export function codeVersionOf(description: string | undefined): string | null {
  return description?.startsWith(DESCRIPTION_PREFIX) ? description.slice(DESCRIPTION_PREFIX.length) : null;
}
