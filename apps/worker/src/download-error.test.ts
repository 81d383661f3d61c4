import { WebhookBlockedAddressError } from '@reelay/webhooks';
import { describe, expect, it } from 'vitest';
import { downloadRequestError } from './download-error.ts';

describe('downloadRequestError', () => {
  const blocked = new WebhookBlockedAddressError('cdn.example.test', '169.254.169.254', 'cloudMetadata');

  it('a blocked address is final, names the host and range, and not the address', () => {
    const e = downloadRequestError(blocked);
    expect(e).toMatchObject({ code: 'REELAY_SINK_DOWNLOAD_BLOCKED', kind: 'final', stage: 'sink' });
    expect(e.message).toBe(
      'video host cdn.example.test is, or resolves to, a blocked address range (cloudMetadata); UPSTREAM_ALLOW_PRIVATE_NETWORKS is off',
    );
    expect(e.message).not.toContain('169.254');
    expect(e.cause).toBe(blocked);
  });

  it('finds the refusal inside a wrapping error', () => {
    const wrapped = new Error('connect failed', { cause: new Error('socket', { cause: blocked }) });
    expect(downloadRequestError(wrapped).code).toBe('REELAY_SINK_DOWNLOAD_BLOCKED');
  });

  it('any other failure is transient', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 203.0.113.9:443'), {
      code: 'ECONNREFUSED',
    });
    expect(downloadRequestError(refused)).toMatchObject({
      code: 'REELAY_SINK_DOWNLOAD_FAILED',
      kind: 'transient',
      message: 'video download failed: connect ECONNREFUSED 203.0.113.9:443',
    });
  });
});
