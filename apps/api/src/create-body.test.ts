import { validationIssues } from '@reelay/producer';
import { describe, expect, it } from 'vitest';
import { splitCreateBody, toBodyPath, type Validate } from './create-body.ts';

/** The producer's checks with its default (no private webhook targets). */
const validate: Validate = (r, o) => validationIssues(r, o, false);

const request = { input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] } };

describe('POST /v1/generations body', () => {
  it('splits a valid body into the request and the producer options', () => {
    const body = {
      request,
      webhook: { url: 'https://hooks.example.com/x' },
      metadata: { a: 1 },
      priority: 3,
    };
    expect(splitCreateBody(body, 'order-1', validate)).toEqual({
      ok: true,
      value: {
        request,
        options: { webhook: body.webhook, metadata: body.metadata, priority: 3, idempotencyKey: 'order-1' },
      },
    });
    expect(splitCreateBody({ request }, undefined, validate)).toEqual({
      ok: true,
      value: { request, options: {} },
    });
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
      validate,
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
    const result = splitCreateBody({ request: { input: { media } } }, undefined, validate);
    expect(result.ok ? [] : result.issues.map((i) => `${i.path} ${i.rule}`)).toEqual([
      'request.input.media[0].url url_form',
      'request.input.media media_combination',
    ]);
  });

  it('passes a tenant on as an option, checking its name', () => {
    expect(splitCreateBody({ request, tenant: 'acme' }, undefined, validate)).toEqual({
      ok: true,
      value: { request, options: { tenant: 'acme' } },
    });
    const result = splitCreateBody({ request, tenant: 'not a name' }, undefined, validate);
    expect(result.ok ? [] : result.issues.map((i) => `${i.path} ${i.rule}`)).toEqual([
      'tenant invalid_format',
    ]);
  });

  it('requires an object with a request', () => {
    expect(splitCreateBody([request], undefined, validate)).toEqual({
      ok: false,
      issues: [{ path: '', rule: 'invalid_type', message: 'must be a JSON object' }],
    });
    expect(splitCreateBody({}, undefined, validate)).toEqual({
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

  it('lists a private webhook target with the schema problems, as the producer judges it', () => {
    const body = { request: { input: { media: 'none' } }, webhook: { url: 'https://127.0.0.1/hook' } };
    const strict = splitCreateBody(body, undefined, validate);
    const paths = strict.ok ? [] : strict.issues.map((i) => `${i.path} ${i.rule}`);
    expect(paths).toContain('webhook.url webhook_target');
    expect(paths.some((p) => p.startsWith('request.input.media '))).toBe(true);
    const lax = splitCreateBody(body, undefined, (r, o) => validationIssues(r, o, true));
    expect(lax.ok ? [] : lax.issues.map((i) => i.path)).not.toContain('webhook.url');
  });
});
