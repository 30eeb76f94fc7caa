/** messageId dedupe per function: an event the function delivered in the last 24 h is not delivered again. */
import type { DeliveryRecord } from './record';

export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

export function alreadyDelivered(record: DeliveryRecord | null, now: Date): boolean {
  if (!record || record.status !== 'delivered') return false;
  const at = Date.parse(record.updatedAt);
  return Number.isFinite(at) && now.getTime() - at < DEDUPE_WINDOW_MS;
}
