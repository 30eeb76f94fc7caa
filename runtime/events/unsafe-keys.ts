/**
 * Finds keys that could pollute prototypes once an event is merged or copied downstream
 * (`__proto__` anywhere, `prototype` inside a `constructor` object), and nesting deeper than allowed.
 * Iterative, so a hostile deeply nested payload cannot overflow the stack.
 */

export type StructureProblem = { kind: 'unsafe-key'; path: string } | { kind: 'too-deep'; path: string };

interface Frame { value: unknown; path: string; depth: number; parentKey: string | null }

export function findStructureProblem(root: unknown, maxDepth: number): StructureProblem | null {
  const stack: Frame[] = [{ value: root, path: '', depth: 1, parentKey: null }];
  while (stack.length > 0) {
    const { value, path, depth, parentKey } = stack.pop() as Frame;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return { kind: 'too-deep', path };
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (key === '__proto__' || (key === 'prototype' && parentKey === 'constructor')) {
        return { kind: 'unsafe-key', path: childPath };
      }
      stack.push({ value: child, path: childPath, depth: depth + 1, parentKey: Array.isArray(value) ? null : key });
    }
  }
  return null;
}
