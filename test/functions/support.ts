/** Loads an example function from functions/<name> with given setting values, and a sink whose answer tests can change. */
import { join } from 'node:path';
import { readFunctionDefinition } from '../../runtime/function/definition';
import { createFunctionInstance, type FunctionInstance } from '../../runtime/function/instance';
import { resolveSettings } from '../../runtime/settings/resolve';
import { startServer, type TestServer } from '../runtime/support/http-server';

export const FUNCTIONS_DIR = join(__dirname, '..', '..', 'functions');

export function loadExample(name: string, values: Record<string, unknown>): FunctionInstance {
  const def = readFunctionDefinition(join(FUNCTIONS_DIR, name));
  return createFunctionInstance(def, resolveSettings(def, values));
}

export interface Answer { status: number; body?: string; contentType?: string }

export interface Sink extends TestServer { answer: Answer }

/** Answers every request with `sink.answer` (default 200 JSON {"ok":true}). */
export async function startSink(): Promise<Sink> {
  const sink: Sink = Object.assign(await startServer((_req, res) => {
    const { status, body = '', contentType = 'application/json' } = sink.answer;
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  }), { answer: { status: 200, body: '{"ok":true}' } });
  return sink;
}

/** Status classes every example function classifies the same way. */
export const STATUS_CLASSES: Array<[number, 'retry' | 'discarded', string]> = [
  [500, 'retry', 'RetryError'],
  [502, 'retry', 'RetryError'],
  [503, 'retry', 'RetryError'],
  [429, 'retry', 'RetryError'],
  [408, 'retry', 'RetryError'],
  [400, 'discarded', 'InvalidEventPayload'],
  [422, 'discarded', 'InvalidEventPayload'],
  [409, 'discarded', 'InvalidEventPayload'],
  [401, 'discarded', 'ValidationError'],
  [403, 'discarded', 'ValidationError'],
  [404, 'discarded', 'ValidationError'],
];
