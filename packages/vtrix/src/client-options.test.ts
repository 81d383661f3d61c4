import { describe, expect, it } from 'vitest';
import { resolveOptions } from './client-options.ts';

describe('resolveOptions', () => {
  it('applies the documented defaults', () => {
    const o = resolveOptions({ baseUrl: 'https://cloud.vtrix.ai' });
    expect(o).toMatchObject({
      origin: 'https://cloud.vtrix.ai',
      basePath: '',
      apiKey: undefined,
      model: 'wan27_i2v',
      connectTimeoutMs: 5000,
      headersTimeoutMs: 15_000,
      bodyTimeoutMs: 15_000,
      maxResponseBytes: 1024 * 1024,
    });
    expect(o.now).toBe(Date.now);
  });

  it('keeps a path prefix without its trailing slash', () => {
    expect(resolveOptions({ baseUrl: 'http://127.0.0.1:8080/vtrix/' })).toMatchObject({
      origin: 'http://127.0.0.1:8080',
      basePath: '/vtrix',
    });
  });

  it('treats an empty key as none and takes a model override', () => {
    expect(resolveOptions({ baseUrl: 'http://h', apiKey: '', model: 'wan26' })).toMatchObject({
      apiKey: undefined,
      model: 'wan26',
    });
  });

  it('rejects bad configuration without echoing the key', () => {
    expect(() => resolveOptions({ baseUrl: 'not a url' })).toThrow(/baseUrl/);
    expect(() => resolveOptions({ baseUrl: 'ftp://h' })).toThrow(/baseUrl/);
    expect(() => resolveOptions({ baseUrl: 'https://u:p@h' })).toThrow(/credentials/);
    expect(() => resolveOptions({ baseUrl: 'http://h', headersTimeoutMs: 0 })).toThrow(/headersTimeoutMs/);
    expect(() => resolveOptions({ baseUrl: 'http://h', maxResponseBytes: Number.NaN })).toThrow(
      /maxResponseBytes/,
    );
    expect(() => resolveOptions({ baseUrl: 'http://h', apiKey: 'sk-line\nbreak' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sk-line') }),
    );
  });
});
