import { describe, expect, it } from 'vitest';
import { MAX_PRIORITY, parseEnqueueOptions } from './enqueue-options.ts';
import { isReelayValidationError } from './validation-error.ts';

const issues = (v: unknown) => {
  try {
    parseEnqueueOptions(v);
  } catch (e) {
    if (isReelayValidationError(e)) return e.issues;
  }
  throw new Error('expected rejection');
};

describe('enqueue options', () => {
  it('accepts a full set and an empty one', () => {
    const full = {
      idempotencyKey: 'order-42',
      webhook: { url: 'https://hooks.example.com/reelay', events: ['generation.running'] },
      metadata: { order: 42, vip: true, note: null },
      priority: 1,
    };
    expect(parseEnqueueOptions(full)).toEqual(full);
    expect(parseEnqueueOptions(undefined)).toEqual({});
  });
  it.each([
    [{ idempotencyKey: '' }, 'options.idempotencyKey'],
    [{ idempotencyKey: 'has space' }, 'options.idempotencyKey'],
    [{ idempotencyKey: 'k'.repeat(256) }, 'options.idempotencyKey'],
    [{ webhook: { url: 'not a url' } }, 'options.webhook.url'],
    [{ webhook: { url: 'https://x.example', events: ['generation.exploded'] } }, 'options.webhook.events[0]'],
    [{ webhook: { url: 'https://x.example', events: [] } }, 'options.webhook.events'],
    [{ metadata: { nested: { no: 1 } } }, 'options.metadata.nested'],
    [{ metadata: { big: 'x'.repeat(3000) } }, 'options.metadata'],
    [{ priority: 0 }, 'options.priority'],
    [{ priority: MAX_PRIORITY + 1 }, 'options.priority'],
    [{ priority: 1.5 }, 'options.priority'],
    [{ colour: 'red' }, 'options.colour'],
  ])('rejects %j at %s', (value, path) => {
    expect(issues(value).map((i) => i.path)).toContain(path);
  });
});
