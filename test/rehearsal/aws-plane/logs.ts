/**
 * A stateful CloudWatch Logs (awsJson1_1, `X-Amz-Target: Logs_20140328.<Op>`) filled by the rehearsal with put():
 * FilterLogEvents (filter patterns: see log-filter.ts; time window inclusive; pages of `pageSize` events with
 * nextToken), DescribeLogStreams and GetLogEvents. IAM resources as AWS checks them: group-level actions on
 * "…:log-group:<name>:log-stream:", GetLogEvents on "…:log-group:<name>:log-stream:<stream>".
 */
import type { IamRequest } from './authorizer';
import { AwsFault, INVALID_TOKEN_MESSAGE, type AwsError } from './errors';
import { compileFilterPattern, UnsupportedFilterPattern, type LogFilter } from './log-filter';
import type { PlaneService, ServiceCall } from './service';
import { stringField } from './service';
import { sendJson } from './wire';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_EVENTS = 10_000;

interface LogEvent { seq: number; stream: string; timestamp: number; ingestionTime: number; message: string }
interface Stream { name: string; creationTime: number; events: LogEvent[] }
type Input = Record<string, unknown>;

export class LogsService implements PlaneService {
  readonly style = { protocol: 'json', contentType: CONTENT_TYPE } as const;
  readonly invalidToken: AwsError = { status: 400, code: 'UnrecognizedClientException', message: INVALID_TOKEN_MESSAGE };
  private readonly groups = new Map<string, Map<string, Stream>>();
  private seq = 0;

  constructor(private readonly accountId: string, private readonly region: string, private readonly pageSize = MAX_EVENTS) {}

  accessDenied(message: string): AwsError {
    return { status: 400, code: 'AccessDeniedException', message };
  }

  groupArn(group: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${group}`;
  }

  /** Appends events to a stream (creating group and stream); timestamps default to now. */
  put(group: string, stream: string, messages: string[], timestamps?: number[]): void {
    let streams = this.groups.get(group);
    if (!streams) this.groups.set(group, streams = new Map());
    let target = streams.get(stream);
    if (!target) streams.set(stream, target = { name: stream, creationTime: Date.now(), events: [] });
    const now = Date.now();
    messages.forEach((message, i) => {
      target.events.push({ seq: ++this.seq, stream, timestamp: timestamps?.[i] ?? now, ingestionTime: now, message });
    });
    target.events.sort(byTime);
  }

  async iamRequests({ operation, input }: ServiceCall): Promise<IamRequest[]> {
    const action = `logs:${operation}`;
    const group = groupNameOf(input);
    if (!group) return [{ action, resource: '*' }];
    const stream = operation === 'GetLogEvents' ? stringField(input, 'logStreamName') ?? '' : '';
    return [{ action, resource: `${this.groupArn(group)}:log-stream:${stream}` }];
  }

  async handle({ operation, input, res }: ServiceCall): Promise<void> {
    sendJson(res, 200, this.answer(operation, input), CONTENT_TYPE);
  }

  private answer(operation: string, input: Input): Record<string, unknown> {
    const streams = this.groups.get(groupNameOf(input) ?? '');
    if (!streams) throw new AwsFault({ status: 400, code: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    switch (operation) {
      case 'FilterLogEvents': return this.filter(streams, input);
      case 'DescribeLogStreams': return describeStreams(streams, input);
      case 'GetLogEvents': return getEvents(streams, input);
    }
    throw new AwsFault({ status: 400, code: 'UnknownOperationException', message: `the plane's CloudWatch Logs does not implement ${operation}` });
  }

  private filter(streams: Map<string, Stream>, input: Input): Record<string, unknown> {
    let matches: LogFilter;
    try {
      matches = compileFilterPattern(stringField(input, 'filterPattern'));
    } catch (err) {
      if (err instanceof UnsupportedFilterPattern) throw new AwsFault({ status: 400, code: 'InvalidParameterException', message: err.message });
      throw err;
    }
    const names = input.logStreamNames as string[] | undefined;
    const prefix = stringField(input, 'logStreamNamePrefix');
    const after = input.nextToken ? decodeToken(String(input.nextToken)) : undefined;
    const limit = Math.min(numberField(input, 'limit') ?? this.pageSize, this.pageSize);
    const events = [...streams.values()]
      .filter((s) => (!names || names.includes(s.name)) && (!prefix || s.name.startsWith(prefix)))
      .flatMap((s) => s.events)
      .filter((e) => inWindow(e, input) && (!after || byTime(e, after) > 0) && matches(e.message))
      .sort(byTime);
    const page = events.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map((e) => ({ logStreamName: e.stream, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: eventId(e) })),
      ...(events.length > limit && last ? { nextToken: encodeToken(last) } : {}),
    };
  }
}

function describeStreams(streams: Map<string, Stream>, input: Input): Record<string, unknown> {
  const prefix = stringField(input, 'logStreamNamePrefix');
  const byLastEvent = input.orderBy === 'LastEventTime';
  const list = [...streams.values()].filter((s) => !prefix || s.name.startsWith(prefix));
  list.sort((a, b) => byLastEvent ? lastTime(a) - lastTime(b) : a.name.localeCompare(b.name));
  if (input.descending === true) list.reverse();
  const start = input.nextToken ? Number(input.nextToken) : 0;
  const limit = numberField(input, 'limit') ?? 50;
  const page = list.slice(start, start + limit);
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.name,
      creationTime: s.creationTime,
      ...(s.events.length ? { firstEventTimestamp: s.events[0].timestamp, lastEventTimestamp: lastTime(s), lastIngestionTime: s.events[s.events.length - 1].ingestionTime } : {}),
      storedBytes: 0,
    })),
    ...(start + limit < list.length ? { nextToken: String(start + limit) } : {}),
  };
}

/** Tokens "f/<index>" and "b/<index>" into the stream's events within the time window. */
function getEvents(streams: Map<string, Stream>, input: Input): Record<string, unknown> {
  const stream = streams.get(stringField(input, 'logStreamName') ?? '');
  if (!stream) throw new AwsFault({ status: 400, code: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' });
  const events = stream.events.filter((e) => inWindow(e, input));
  const limit = Math.min(numberField(input, 'limit') ?? MAX_EVENTS, MAX_EVENTS);
  const token = /^([fb])\/(\d+)$/.exec(String(input.nextToken ?? ''));
  let from: number;
  if (token?.[1] === 'f') from = Number(token[2]);
  else if (token?.[1] === 'b') from = Math.max(0, Number(token[2]) - limit);
  else from = input.startFromHead === true ? 0 : Math.max(0, events.length - limit);
  const to = token?.[1] === 'b' ? Number(token[2]) : Math.min(events.length, from + limit);
  return {
    events: events.slice(from, to).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: `f/${to}`,
    nextBackwardToken: `b/${from}`,
  };
}

function groupNameOf(input: Input): string | undefined {
  const name = stringField(input, 'logGroupName');
  if (name) return name;
  const identifier = stringField(input, 'logGroupIdentifier');
  if (!identifier) return undefined;
  const arn = /^arn:aws:logs:[^:]*:\d*:log-group:(.+?)(?::\*)?$/.exec(identifier);
  return arn ? arn[1] : identifier;
}

function inWindow(e: LogEvent, input: Input): boolean {
  const start = numberField(input, 'startTime');
  const end = numberField(input, 'endTime');
  return (start === undefined || e.timestamp >= start) && (end === undefined || e.timestamp <= end);
}

function byTime(a: Pick<LogEvent, 'timestamp' | 'seq'>, b: Pick<LogEvent, 'timestamp' | 'seq'>): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

function lastTime(s: Stream): number {
  return s.events.length ? s.events[s.events.length - 1].timestamp : 0;
}

function eventId(e: LogEvent): string {
  return `${String(e.timestamp).padStart(16, '0')}${String(e.seq).padStart(20, '0')}`;
}

function encodeToken(e: LogEvent): string {
  return Buffer.from(JSON.stringify({ timestamp: e.timestamp, seq: e.seq })).toString('base64');
}

function decodeToken(token: string): Pick<LogEvent, 'timestamp' | 'seq'> {
  try {
    return JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Pick<LogEvent, 'timestamp' | 'seq'>;
  } catch {
    throw new AwsFault({ status: 400, code: 'InvalidParameterException', message: 'The specified nextToken is invalid.' });
  }
}

function numberField(input: Input, name: string): number | undefined {
  const value = input[name];
  return typeof value === 'number' ? value : undefined;
}
