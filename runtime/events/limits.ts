/** Segment's ingest limits (docs/sending-events.md), shared by the local server and the AWS ingest. */

/** One event, serialized as UTF-8 JSON. */
export const MAX_EVENT_BYTES = 32 * 1024;
/** One HTTP request body. */
export const MAX_REQUEST_BYTES = 500 * 1024;
/** Events in one batch / webhook array. */
export const MAX_BATCH_EVENTS = 2500;
/** Levels of objects/arrays in one event (the event itself is level 1); deeper payloads are refused so no later recursive copy can overflow. */
export const MAX_EVENT_DEPTH = 64;
/** Segment's messageId limit. */
export const MAX_MESSAGE_ID_LENGTH = 100;
