/**
 * The one definition of what a Standard Webhooks v1 signature covers, shared by signing
 * and verification so the two cannot drift: HMAC-SHA256 over `${id}.${timestamp}.` plus
 * the body exactly as sent on the wire.
 */
import { createHmac } from 'node:crypto';

export type WebhookBody = string | Uint8Array;

export function signedContent(id: string, timestamp: number | string, body: WebhookBody): Buffer {
  const prefix = Buffer.from(`${id}.${timestamp}.`, 'utf8');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([prefix, bytes]);
}

/** The raw 32-byte v1 HMAC; callers encode or compare it. */
export function computeV1Signature(
  key: Uint8Array,
  id: string,
  timestamp: number | string,
  body: WebhookBody,
): Buffer {
  return createHmac('sha256', key)
    .update(signedContent(id, timestamp, body))
    .digest();
}
