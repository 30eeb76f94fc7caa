/** Per-event console capture: redacted lines, capped at 4 KB (UTF-8 bytes) with a marker when cut. */
import type { Redactor } from '../settings/redact';

export const LOG_CAP_BYTES = 4096;
export const LOG_TRUNCATED_MARKER = '… [log output truncated at 4 KB]';

export class LogBuffer {
  private readonly lines: string[] = [];
  private bytes = 0;
  private full = false;
  private closed = false;

  constructor(private readonly redact: Redactor, private readonly capBytes = LOG_CAP_BYTES) {}

  append(line: string): void {
    if (this.closed || this.full) return;
    const text = this.redact(line);
    const size = Buffer.byteLength(text) + 1; // + the newline that separates lines
    if (this.bytes + size <= this.capBytes) {
      this.lines.push(text);
      this.bytes += size;
      return;
    }
    const room = this.capBytes - this.bytes - 1;
    if (room > 0) this.lines.push(truncateUtf8(text, room));
    this.lines.push(LOG_TRUNCATED_MARKER);
    this.full = true;
  }

  /** The lines so far (a copy). */
  snapshot(): string[] {
    return this.lines.slice();
  }

  /** Stop capturing (output of work that outlives its event is dropped) and return the lines. */
  close(): string[] {
    this.closed = true;
    return this.lines;
  }
}

export function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--; // do not cut a multi-byte character
  return buf.subarray(0, end).toString('utf8');
}
