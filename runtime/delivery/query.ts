/** Which of a function's delivery records to list (`destfn deliveries`, locally and with --aws), newest first. */
import type { DeliveryStatus } from './outcome';

export const DEFAULT_LIST_LIMIT = 100;

export interface DeliveryQuery { status?: DeliveryStatus; limit?: number }
