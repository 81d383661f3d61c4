import { describe, expect, it } from 'vitest';
import { applyConfigPatch, defaultConfig, describeIssues } from './config.ts';

describe('applyConfigPatch', () => {
  it('merges a valid patch over the current config without touching the original', () => {
    const result = applyConfigPatch(defaultConfig, { failRate: 0.25, retryAfterForm: 'http-date' });
    expect(result).toEqual({
      ok: true,
      config: { ...defaultConfig, failRate: 0.25, retryAfterForm: 'http-date' },
    });
    expect(defaultConfig.failRate).toBe(0);
  });

  it('names an unknown key', () => {
    const result = applyConfigPatch(defaultConfig, { failRate: 0.1, nope: 1 });
    expect(result).toEqual({ ok: false, issues: [{ field: 'nope', message: 'unknown setting' }] });
  });

  it.each([
    ['failRate', 1.5],
    ['taskDurationMs', -1],
    ['taskDurationMs', 1.5],
    ['retryAfterForm', 'minutes'],
    ['statusVariants', 'yes'],
    ['apiKey', ''],
    ['videoBytes', '100'],
  ])('rejects %s = %j naming the field', (field, value) => {
    const result = applyConfigPatch(defaultConfig, { [field]: value });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.field)).toEqual([field]);
  });

  it('rejects failRate + stuckRate above 1 on the merged config', () => {
    const current = { ...defaultConfig, failRate: 0.6 };
    const result = applyConfigPatch(current, { stuckRate: 0.5 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(describeIssues(result.issues)).toMatch(/^stuckRate: failRate \+ stuckRate/);
  });

  it('sets and clears the api key (null or undefined clears)', () => {
    const set = applyConfigPatch(defaultConfig, { apiKey: 'k1' });
    expect(set.ok && set.config.apiKey).toBe('k1');
    if (!set.ok) return;
    const cleared = applyConfigPatch(set.config, { apiKey: null });
    expect(cleared.ok && cleared.config.apiKey).toBeUndefined();
    const clearedAgain = applyConfigPatch(set.config, { apiKey: undefined });
    expect(clearedAgain.ok && clearedAgain.config.apiKey).toBeUndefined();
  });

  it('sets and clears videoOrigin, which must be a bare http(s) origin', () => {
    const set = applyConfigPatch(defaultConfig, { videoOrigin: 'https://cdn.example.test' });
    expect(set.ok && set.config.videoOrigin).toBe('https://cdn.example.test');
    if (!set.ok) return;
    const cleared = applyConfigPatch(set.config, { videoOrigin: null });
    expect(cleared.ok && cleared.config.videoOrigin).toBeUndefined();
    for (const bad of ['cdn.example.test', 'ftp://cdn.example.test', 'http://cdn.example.test/files']) {
      const result = applyConfigPatch(defaultConfig, { videoOrigin: bad });
      expect(result.ok, bad).toBe(false);
      if (!result.ok)
        expect(describeIssues(result.issues)).toMatch(/^videoOrigin: must be an http\(s\) origin/);
    }
  });

  it('ignores undefined for required fields instead of unsetting them', () => {
    const result = applyConfigPatch(defaultConfig, { latencyMs: undefined });
    expect(result).toEqual({ ok: true, config: defaultConfig });
  });

  it('rejects a patch that is not an object', () => {
    expect(applyConfigPatch(defaultConfig, [1]).ok).toBe(false);
    expect(applyConfigPatch(defaultConfig, null).ok).toBe(false);
  });
});
