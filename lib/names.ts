/**
 * Names derived from folder and source names: construct ids and stack output names.
 * "teams-notify" → "TeamsNotify"; "order_sync2" → "OrderSync2".
 */
export function pascalCase(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter((part) => part.length > 0);
  const pascal = parts.map((part) => part[0].toUpperCase() + part.slice(1)).join('');
  if (!pascal) throw new Error(`name "${name}" has no letters or digits to build a CloudFormation id from`);
  return pascal;
}

/** Throws when two names map to the same PascalCase id (their stack outputs would collide). */
export function assertDistinctIds(kind: string, names: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const id = pascalCase(name);
    const other = seen.get(id);
    if (other !== undefined) {
      throw new Error(`${kind} "${other}" and "${name}" both map to the id "${id}"; rename one of them`);
    }
    seen.set(id, name);
  }
}
