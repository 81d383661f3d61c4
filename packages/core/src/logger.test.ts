import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { scrubString } from './redact.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level: 'info' }, stream), text: () => lines.join('') };
}

describe('secrets never reach a log line', () => {
  it('redacts secret-named fields at any of the first levels', () => {
    const { logger, text } = capture();
    logger.info(
      {
        apiKey: 'sk-live-123',
        headers: { authorization: 'Bearer sk-live-456' },
        config: { vtrix: { apiKey: 'sk-live-789' } },
        webhook: { secret: 'whsec_AAAA' },
      },
      'starting',
    );
    expect(text()).not.toMatch(/sk-live|whsec_AAAA/);
    expect(text()).toContain('[redacted]');
  });

  it('censors secret-named keys nested in a logged object and in child bindings, at any depth', () => {
    const { logger, text } = capture();
    logger.child({ upstream: { auth: { 'X-API-Key': 'sk-live-child' } } }).info(
      {
        job: { data: { request: { webhook: { signingSecrets: ['whsec_BBBB'] } } } },
        list: [{ deep: { nested: { Password: 'hunter2-nested' } } }],
        headers: { Cookie: 'session=cookie-value' },
        generationId: 'gen_1',
      },
      'nested',
    );
    expect(text()).not.toMatch(/sk-live-child|whsec_BBBB|hunter2-nested|cookie-value/);
    // The keys stay, with the value censored; what is not secret is untouched.
    expect(text()).toContain('"signingSecrets":"[redacted]"');
    expect(text()).toContain('"Password":"[redacted]"');
    expect(text()).toContain('"X-API-Key":"[redacted]"');
    expect(text()).toContain('"generationId":"gen_1"');
  });

  it('scrubs presigned-URL signatures, bearer tokens and webhook secrets inside free text and errors', () => {
    const { logger, text } = capture();
    const url =
      'https://b.s3.amazonaws.com/k.mp4?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA123&X-Amz-Signature=deadbeef&x=1';
    logger.warn({ url }, `download failed for ${url}`);
    logger.error({ err: new Error('upstream said no to Bearer sk-live-abc with whsec_ZZZZ') }, 'oops');
    expect(text()).not.toMatch(/deadbeef|AKIA123|sk-live-abc|whsec_ZZZZ/);
    // What is not secret stays: the error's message and stack reach the log.
    expect(text()).toContain('upstream said no to Bearer [redacted] with whsec_[redacted]');
    expect(text()).toContain('"stack":"Error: upstream said no');
    expect(text()).toContain('X-Amz-Algorithm=AWS4');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubString('gen_123 moved to running (task d758n65e878c73cmdg20)')).toBe(
      'gen_123 moved to running (task d758n65e878c73cmdg20)',
    );
    expect(scrubString('https://sim/files/t.mp4?expires=1&sig=abc')).toBe(
      'https://sim/files/t.mp4?expires=1&sig=[redacted]',
    );
  });
});
