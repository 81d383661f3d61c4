import { describe, expect, it } from 'vitest';
import { splitCreateBody, toBodyPath } from './create-body.ts';

const request = { input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] } };

describe('POST /v1/generations body', () => {
  it('splits a valid body into the request and the producer options', () => {
    const body = {
      request,
      webhook: { url: 'https://hooks.example.com/x' },
      metadata: { a: 1 },
      priority: 3,
    };
    expect(splitCreateBody(body, 'order-1')).toEqual({
      ok: true,
      value: {
        request,
        options: { webhook: body.webhook, metadata: body.metadata, priority: 3, idempotencyKey: 'order-1' },
      },
    });
    expect(splitCreateBody({ request }, undefined)).toEqual({ ok: true, value: { request, options: {} } });
  });

  it('lists every problem with a path into the body or the header', () => {
    const result = splitCreateBody(
      {
        request: { input: { prompt: 42, media: 'none' }, parameters: { duration: 99 } },
        priority: 'high',
        webhook: { url: 'nope' },
        colour: 'red',
      },
      'has space',
    );
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => `${i.path} ${i.rule}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'colour unknown_field',
        'request.input.prompt invalid_type',
        'request.input.media invalid_type',
        'request.parameters.duration too_big',
        'priority invalid_type',
        'webhook.url invalid_format',
        'headers.idempotency-key invalid_format',
      ]),
    );
  });

  it('reports the request rules that need the whole media list', () => {
    const media = [
      { type: 'first_clip', url: 'ftp://x/clip.mp4' },
      { type: 'driving_audio', url: 'https://a/b.mp3' },
    ];
    const result = splitCreateBody({ request: { input: { media } } }, undefined);
    expect(result.ok ? [] : result.issues.map((i) => `${i.path} ${i.rule}`)).toEqual([
      'request.input.media[0].url url_form',
      'request.input.media media_combination',
    ]);
  });

  it('passes a tenant on as an option, checking its name', () => {
    expect(splitCreateBody({ request, tenant: 'acme' }, undefined)).toEqual({
      ok: true,
      value: { request, options: { tenant: 'acme' } },
    });
    const result = splitCreateBody({ request, tenant: 'not a name' }, undefined);
    expect(result.ok ? [] : result.issues.map((i) => `${i.path} ${i.rule}`)).toEqual([
      'tenant invalid_format',
    ]);
  });

  it('requires an object with a request', () => {
    expect(splitCreateBody([request], undefined)).toEqual({
      ok: false,
      issues: [{ path: '', rule: 'invalid_type', message: 'must be a JSON object' }],
    });
    expect(splitCreateBody({}, undefined)).toEqual({
      ok: false,
      issues: [{ path: 'request', rule: 'required', message: 'is required' }],
    });
  });

  it("maps the producer's paths to the body's", () => {
    expect(toBodyPath('input.media[0].url')).toBe('request.input.media[0].url');
    expect(toBodyPath('')).toBe('request');
    expect(toBodyPath('options.webhook.url')).toBe('webhook.url');
    expect(toBodyPath('options.idempotencyKey')).toBe('headers.idempotency-key');
  });
});
