/**
 * zod schemas of an incoming Segment event, one per type. Every field carries its own message so a
 * refused event tells the sender exactly which field is wrong.
 *
 * Decisions: `userId`, `anonymousId`, `groupId` and `previousId` accept strings and finite numbers
 * (numbers become strings: several Segment libraries send numeric ids and Segment stores them as
 * strings); an empty string counts as absent. Object fields must be JSON objects (not arrays, not
 * null). Timestamps must be ISO-8601 strings. Unknown fields pass through untouched.
 */
import * as z from 'zod'; // a namespace import lets esbuild drop the parts of zod not used (its locales: ~350 KB of the Lambda bundles)
import { EVENT_TYPES, type EventType, type JsonObject } from './types';
import { isPlainObject } from './plain-object';
import { MAX_MESSAGE_ID_LENGTH } from './limits';
import { isIsoTimestamp } from './iso-timestamp';

const missing = (input: unknown): boolean => input === undefined;

/** `a track`, `an identify`. */
export const eventArticle = (type: string): string => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

/** A check, not a z.record: a record schema copies every key of `properties`/`context` of every event. */
const objectField = (name: string) =>
  z.custom<JsonObject>(isPlainObject, { error: `"${name}" must be an object` }).optional();

const timestampField = (name: string) =>
  z.string({ error: `"${name}" must be an ISO-8601 date string` })
    .refine(isIsoTimestamp, { error: `"${name}" must be an ISO-8601 date string` })
    .optional();

/** A string or number id; numbers become strings, empty strings and null become undefined. */
const idField = (name: string) =>
  z.union([z.string(), z.number().finite()], { error: `"${name}" must be a string` })
    .nullable()
    .optional()
    .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

const requiredIdField = (name: string, type: EventType) =>
  idField(name).refine((v) => v !== undefined, { error: `"${name}" is required for ${eventArticle(type)} event`, abort: true });

const optionalString = (name: string) => z.string({ error: `"${name}" must be a string` }).nullable().optional();

const baseShape = {
  messageId: z.string({ error: '"messageId" must be a string' })
    .min(1, { error: '"messageId" must not be empty' })
    .max(MAX_MESSAGE_ID_LENGTH, { error: `"messageId" must be at most ${MAX_MESSAGE_ID_LENGTH} characters` })
    .optional(),
  userId: idField('userId'),
  anonymousId: idField('anonymousId'),
  timestamp: timestampField('timestamp'),
  sentAt: timestampField('sentAt'),
  originalTimestamp: timestampField('originalTimestamp'),
  context: objectField('context'),
  integrations: objectField('integrations'),
};

const schemas = {
  track: z.looseObject({
    ...baseShape,
    event: z.string({ error: (iss) => (missing(iss.input) ? '"event" is required for a track event' : '"event" must be a string') })
      .min(1, { error: '"event" must not be empty' }),
    properties: objectField('properties'),
  }),
  identify: z.looseObject({ ...baseShape, traits: objectField('traits') }),
  page: z.looseObject({ ...baseShape, name: optionalString('name'), category: optionalString('category'), properties: objectField('properties') }),
  screen: z.looseObject({ ...baseShape, name: optionalString('name'), category: optionalString('category'), properties: objectField('properties') }),
  group: z.looseObject({ ...baseShape, groupId: requiredIdField('groupId', 'group'), traits: objectField('traits') }),
  alias: z.looseObject({ ...baseShape, previousId: requiredIdField('previousId', 'alias') }),
  delete: z.looseObject(baseShape),
} satisfies Record<EventType, z.ZodType>;

export const eventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]], {
  error: (iss) => (missing(iss.input)
    ? '"type" is required'
    : `"type" must be one of ${EVENT_TYPES.join(', ')} (got ${JSON.stringify(iss.input)?.slice(0, 40)})`),
});

export function eventSchemaFor(type: EventType) {
  return schemas[type];
}
