import { describe, expect, it } from 'vitest';
import { issueMessage, parseBatchLines } from './batch-lines.ts';

const req = (prompt: string) => ({ input: { prompt } });

describe('parseBatchLines', () => {
  it('reads wrapped items and bare requests, skipping blank lines, keeping line numbers', () => {
    const text = [
      JSON.stringify({ request: req('a'), options: { metadata: { sku: 'a' } } }),
      '',
      JSON.stringify(req('b')),
      `  ${JSON.stringify({ request: req('c') })}  `,
      '',
    ].join('\n');
    const r = parseBatchLines(text);
    expect(r).toEqual({
      ok: true,
      lines: [
        { line: 1, bare: false, item: { request: req('a'), options: { metadata: { sku: 'a' } } } },
        { line: 3, bare: true, item: { request: req('b') } },
        { line: 4, bare: false, item: { request: req('c') } },
      ],
    });
  });

  it('names every bad line', () => {
    const r = parseBatchLines(
      ['{"request": {}}', '{not json', '[1,2]', '"text"', '{"request": {}, "opts": {}}'].join('\n'),
    );
    expect(r.ok).toBe(false);
    const problems = (r as { problems: string[] }).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^line 2: not valid JSON \(/);
    expect(problems[1]).toBe(
      'line 3: must be a JSON object: { "request": {...}, "options"?: {...} } or a bare request',
    );
    expect(problems[2]).toMatch(/^line 4: must be a JSON object/);
    expect(problems[3]).toBe('line 5: opts: not a field of an item (an item has request and options)');
  });

  it('refuses a file with no items', () => {
    expect(parseBatchLines('\n \n')).toEqual({
      ok: false,
      problems: ['the file has no items (every line is blank)'],
    });
  });
});

describe('issueMessage', () => {
  const r = parseBatchLines([JSON.stringify({ request: req('a') }), '', JSON.stringify(req('b'))].join('\n'));
  if (!r.ok) throw new Error('fixture');
  const issue = (path: string) => ({ path, rule: 'x', message: 'must be something' });

  it("maps an item's index to its line, keeping request. for a wrapped item only", () => {
    expect(issueMessage(issue('items[0].request.input.media'), r.lines)).toBe(
      'line 1: request.input.media: must be something',
    );
    expect(issueMessage(issue('items[1].request.input.media'), r.lines)).toBe(
      'line 3: input.media: must be something',
    );
    expect(issueMessage(issue('items[1].options.tenant'), r.lines)).toBe(
      'line 3: options.tenant: must be something',
    );
    expect(issueMessage(issue('items[1].request'), r.lines)).toBe('line 3: must be something');
  });

  it('names the flag for a batch option', () => {
    expect(issueMessage(issue('options.tenant'), r.lines)).toBe('--tenant: must be something');
    expect(issueMessage(issue('options.webhook.url'), r.lines)).toBe('--webhook-url: must be something');
    expect(issueMessage(issue('options.idempotencyKey'), r.lines)).toBe(
      '--idempotency-key: must be something',
    );
    expect(issueMessage(issue('items'), r.lines)).toBe('items: must be something');
  });
});
