import { MAX_BATCH_ITEMS, type ReelayValidationError } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { newBatch, parsePage, validateBatch } from './batches.ts';

const request = { input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] } };

function issuesOf(run: () => unknown): Array<[string, string]> {
  try {
    run();
  } catch (e) {
    return (e as ReelayValidationError).issues.map((i) => [i.path, i.rule]);
  }
  throw new Error('no validation error');
}

describe('validateBatch', () => {
  it('names every bad item by index and field, and the batch options, at once', () => {
    const items = [
      { request },
      { request: { input: { media: [] } } },
      { request, options: { tenant: 'acme' } },
      { request, options: { webhook: { url: 'https://169.254.169.254/x' } } },
    ];
    const issues = issuesOf(() => validateBatch(items, { metadata: 'nope', extra: 1 }, false));
    expect(issues).toEqual(
      expect.arrayContaining([
        ['options.metadata', expect.any(String)],
        ['options.extra', 'unknown_field'],
        ['items[1].request.input.media', expect.any(String)],
        ['items[2].options.tenant', 'unknown_field'],
        ['items[3].options.webhook.url', 'webhook_target'],
      ]),
    );
    expect(issues.some(([p]) => p.startsWith('items[0]'))).toBe(false);
  });

  it('refuses an empty batch, one over the limit, and items that are not an array', () => {
    expect(issuesOf(() => validateBatch([], {}, false))).toEqual([['items', 'too_small']]);
    const many = Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => ({ request }));
    expect(issuesOf(() => validateBatch(many, {}, false))).toEqual([['items', 'too_big']]);
    expect(issuesOf(() => validateBatch({ request }, {}, false))).toEqual([['items', 'invalid_type']]);
  });

  it('checks the batch webhook target like any target', () => {
    expect(
      issuesOf(() => validateBatch([{ request }], { webhook: { url: 'http://127.0.0.1/h' } }, false)),
    ).toEqual([['options.webhook.url', 'webhook_target']]);
    expect(validateBatch([{ request }], { webhook: { url: 'http://127.0.0.1/h' } }, true).items).toHaveLength(
      1,
    );
  });
});

describe('newBatch', () => {
  const v = (options: object) => validateBatch([{ request }], options, true);

  it('wants batch.completed unless the target filters it out; the default URL counts as a target', () => {
    expect(newBatch(v({ webhook: { url: 'https://h.example.com' } }), [], undefined).wantsCompleted).toBe(
      true,
    );
    const generationOnly = { webhook: { url: 'https://h.example.com', events: ['generation.failed'] } };
    expect(newBatch(v(generationOnly), [], undefined).wantsCompleted).toBe(false);
    expect(newBatch(v({}), [], undefined).wantsCompleted).toBe(false);
    expect(newBatch(v({}), [], 'https://default.example.com').wantsCompleted).toBe(true);
  });

  it('fingerprints the items and options, not the idempotency key', () => {
    const a = newBatch(v({ idempotencyKey: 'k', metadata: { a: 1 } }), [{ request }], undefined);
    const b = newBatch(v({ idempotencyKey: 'k', metadata: { a: 1 } }), [{ request }], undefined);
    const c = newBatch(v({ idempotencyKey: 'k', metadata: { a: 2 } }), [{ request }], undefined);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.id).not.toBe(b.id);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(JSON.parse(a.input)).toEqual({ metadata: { a: 1 }, idempotencyKey: 'k' });
  });
});

describe('parsePage', () => {
  it('takes a cursor a page gave and a limit from 1 to 1000, naming what is wrong', () => {
    expect(parsePage({ cursor: '200', limit: 50 })).toEqual({ cursor: '200', limit: 50 });
    expect(parsePage({})).toEqual({});
    expect(issuesOf(() => parsePage({ cursor: '-1', limit: 0 }))).toEqual([
      ['cursor', 'cursor'],
      ['limit', 'range'],
    ]);
    expect(issuesOf(() => parsePage({ limit: 1001 }))).toEqual([['limit', 'range']]);
  });
});
