/** Output of `destfn logs` (local and --aws): one line per captured log line, tagged with the event. */
import type { LogRecord } from '../delivery/record';

export function formatLogs(records: readonly LogRecord[]): string {
  let out = '';
  for (const r of records) {
    const prefix = `${r.at.replace('T', ' ').slice(0, 23)}  ${r.messageId}  `;
    const lines = r.lines.length > 0 ? r.lines : [''];
    for (const line of lines) for (const part of line.split('\n')) out += `${prefix}${part}\n`;
  }
  return out;
}
