/**
 * A handler's JSON line as CloudWatch Logs stores it: the object itself, or after the runtime's
 * "<time>\t<request id>\t<level>\t" prefix (console.* output). Null for anything else.
 */
export function jsonLogLine(message: string): Record<string, unknown> | null {
  const start = message.indexOf('{');
  if (start === -1) return null;
  try {
    const line = JSON.parse(message.slice(start)) as unknown;
    return typeof line === 'object' && line !== null && !Array.isArray(line) ? (line as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
