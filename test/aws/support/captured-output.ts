/** Captures what Powertools writes (JSON log lines and EMF metric blobs on stdout/stderr) instead of printing it. */
export interface CapturedOutput {
  text(): string;
  /** Every line that parses as a JSON object. */
  json(): Array<Record<string, unknown>>;
  clear(): void;
  restore(): void;
}

export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => { chunks.push(String(chunk)); return true; }));
  const text = () => chunks.join('');
  return {
    text,
    json: () => text().split('\n').flatMap((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    }),
    clear: () => { chunks.length = 0; },
    restore: () => { for (const spy of spies) spy.mockRestore(); },
  };
}
