import { S3Client } from '@aws-sdk/client-s3';
import type { ReelayConfig } from '@reelay/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The worker's S3 client. Its request handler bounds every request (RELIABILITY.md, F4): the SDK's
 * default has no timeouts, so a connection that is accepted and never answered would hold a sink
 * job for ever. `socketTimeout` is the idle timeout (no byte either way for that long), which
 * bounds a hung request without capping a slow but moving upload of a large part; the handler's
 * `requestTimeout` is a whole-request deadline that only logs unless told to throw, so it is not
 * used. A timed-out request is retried by the SDK like any network error, then the sink job's
 * own retries take over.
 */
export function createS3Client(s3: ReelayConfig['s3']): S3Client {
  return new S3Client({
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: s3.connectTimeoutMs,
      socketTimeout: s3.socketTimeoutMs,
    }),
    // The SDK's default checksums send aws-chunked bodies, which S3-compatible servers such as
    // s3rver store verbatim (the object then holds the wire encoding). Reelay verifies size and
    // sha256 itself, so it asks for checksums only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
