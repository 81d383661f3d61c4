import { describe, expect, it } from 'vitest';
import { splitBatchBody, toBatchBodyPath, type ValidateBatch } from './batch-body.ts';

const none: ValidateBatch = () => [];

describe('toBatchBodyPath', () => {
  it('maps the producer’s createBatch paths to the body’s', () => {
    expect(toBatchBodyPath('items[3].request.input.media')).toBe('items[3].request.input.media');
    expect(toBatchBodyPath('items[3].options.webhook.url')).toBe('items[3].webhook.url');
    expect(toBatchBodyPath('items[3].options')).toBe('items[3]');
    expect(toBatchBodyPath('items')).toBe('items');
    expect(toBatchBodyPath('options.webhook.url')).toBe('webhook.url');
    expect(toBatchBodyPath('options.idempotencyKey')).toBe('headers.idempotency-key');
    expect(toBatchBodyPath('options')).toBe('');
  });
});

describe('splitBatchBody', () => {
  it('splits a well-shaped body into createBatch’s items and options without validating it', () => {
    let called = false;
    const r = splitBatchBody(
      { items: [{ request: { x: 1 }, metadata: { a: 1 }, priority: 2 }], webhook: { url: 'u' }, tenant: 't' },
      'k-1',
      () => {
        called = true;
        return [];
      },
    );
    expect(r).toEqual({
      ok: true,
      value: {
        items: [{ request: { x: 1 }, options: { metadata: { a: 1 }, priority: 2 } }],
        options: { webhook: { url: 'u' }, tenant: 't', idempotencyKey: 'k-1' },
      },
    });
    // createBatch validates it before it writes anything: not twice.
    expect(called).toBe(false);
  });

  it('a refused body also gets the producer’s issues, mapped, except under an item that is no object', () => {
    const validate: ValidateBatch = () => [
      { path: 'items[0].options.webhook.url', rule: 'webhook_target', message: 'm' },
      { path: 'items[1].request', rule: 'invalid_type', message: 'm' },
      { path: 'options.metadata', rule: 'invalid_type', message: 'm' },
    ];
    const r = splitBatchBody(
      { items: [{ request: {}, tenant: 'x' }, 7], metadata: 1, colour: 'red' },
      undefined,
      validate,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual([
      'colour',
      'items[0].tenant',
      'items[1]',
      'items[0].webhook.url',
      'metadata',
    ]);
  });

  it('names a missing or non-array items, and a body that is no object', () => {
    for (const [body, path] of [
      [{}, 'items'],
      [{ items: {} }, 'items'],
      [[], ''],
      [null, ''],
    ] as const) {
      const r = splitBatchBody(body, undefined, none);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues[0]!.path).toBe(path);
    }
  });
});
