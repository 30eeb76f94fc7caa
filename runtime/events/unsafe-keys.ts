/**
 * Finds keys that could pollute prototypes once an event is merged or copied downstream
 * (`__proto__` anywhere, `prototype` inside a `constructor` object), and nesting deeper than allowed.
 * Iterative, so a hostile deeply nested payload cannot overflow the stack. Runs on every ingested
 * event, so the path of a node is only spelled out when it is the problem.
 */

export type StructureProblem = { kind: 'unsafe-key'; path: string } | { kind: 'too-deep'; path: string };

interface Frame { value: object; depth: number; key: string | null; parent: Frame | null; inArray: boolean }

export function findStructureProblem(root: unknown, maxDepth: number): StructureProblem | null {
  if (root === null || typeof root !== 'object') return null;
  const stack: Frame[] = [{ value: root, depth: 1, key: null, parent: null, inArray: false }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (frame.depth > maxDepth) return { kind: 'too-deep', path: pathOf(frame) };
    const isArray = Array.isArray(frame.value);
    const inConstructor = frame.key === 'constructor' && !frame.inArray;
    for (const key of Object.keys(frame.value)) {
      if (key === '__proto__' || (key === 'prototype' && inConstructor)) {
        return { kind: 'unsafe-key', path: pathOf({ value: frame.value, depth: frame.depth + 1, key, parent: frame, inArray: isArray }) };
      }
      const child = (frame.value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, key, parent: frame, inArray: isArray });
    }
  }
  return null;
}

/** `a.b[2].c` for a frame: each key joined as its parent's container (object or array) requires. */
function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) parts.push(f.inArray ? `[${f.key}]` : `.${f.key}`);
  const path = parts.reverse().join('');
  return path.startsWith('.') ? path.slice(1) : path;
}
