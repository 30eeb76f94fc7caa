/**
 * What clients send, for the AWS benches: track events of about 1 KB (the sample track event with a realistic
 * set of properties and context), in `/v1/batch` bodies of the size the client libraries flush: analytics-node
 * sends a batch every 15 events (flushAt, default 15), analytics.js in batching mode every 10.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sampleEvent } from '../../runtime/events/samples';
import { now } from './sink';

export const ANALYTICS_NODE_FLUSH_AT = 15;
export const ANALYTICS_JS_BATCH_SIZE = 10;

/**
 * A track event of about 1 KB as JSON, with its send time in properties.sentAtMs (the sink's latency) and a
 * messageId as analytics-node makes them (random: what the history pages compress is realistic).
 */
export function trackEvent(sentAtMs = now()): Record<string, unknown> {
  const t = sampleEvent('track') as unknown as Record<string, unknown>;
  return {
    ...t,
    messageId: `node-next-${Date.now()}-${randomUUID()}`,
    properties: {
      ...(t.properties as object), sentAtMs,
      sku: 'SKU-4815-1623-42', category: 'Outdoor & Garden', coupon: 'WINTER-SALE-2026', currency: 'USD',
      url: 'https://shop.example.com/checkout/confirmation?order=ord_7Hc2kPq9&step=3&utm_source=newsletter&utm_medium=email&utm_campaign=winter-sale',
      referrer: 'https://shop.example.com/cart',
      products: [{ product_id: 'p-93141', name: 'Folding chair, oak', price: 49.9, quantity: 2 }, { product_id: 'p-22', name: 'Cushion', price: 12, quantity: 2 }],
    },
  };
}

export function batchBody(size: number): string {
  const sentAtMs = now();
  return JSON.stringify({ batch: Array.from({ length: size }, () => trackEvent(sentAtMs)) });
}

export function apiEvent(body: string, writeKey: string): APIGatewayProxyEventV2 {
  const t = new Date();
  return {
    version: '2.0', routeKey: '$default', rawPath: '/v1/batch', rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
    requestContext: {
      accountId: '000000000000', apiId: 'bench', domainName: 'bench.execute-api.us-east-1.amazonaws.com', domainPrefix: 'bench',
      http: { method: 'POST', path: '/v1/batch', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `r-${t.getTime()}`, routeKey: '$default', stage: '$default', time: t.toISOString(), timeEpoch: t.getTime(),
    },
    body, isBase64Encoded: false,
  };
}
