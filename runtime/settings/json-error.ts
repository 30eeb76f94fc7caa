/** The reason of a JSON.parse failure without the slice of input V8 quotes in some messages (it may hold credentials). */
export function jsonErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/,? ".*" is not valid JSON$/s, '').slice(0, 120);
}
