import { describe, expect, it } from 'vitest';
import { judgeRedis } from './redis-hygiene.ts';

describe('judgeRedis', () => {
  it('accepts noeviction with persistence', () => {
    expect(judgeRedis({ maxmemoryPolicy: 'noeviction', aofEnabled: true, rdbSave: '' }, false)).toEqual({
      errors: [],
      warnings: [],
    });
    expect(
      judgeRedis({ maxmemoryPolicy: 'noeviction', aofEnabled: false, rdbSave: '3600 1' }, false),
    ).toEqual({ errors: [], warnings: [] });
  });
  it('refuses an evicting policy unless allowed, then only warns', () => {
    const refused = judgeRedis({ maxmemoryPolicy: 'allkeys-lru', aofEnabled: true }, false);
    expect(refused.errors[0]).toMatch(
      /maxmemory-policy is allkeys-lru.*noeviction.*REDIS_ALLOW_EVICTION=true/,
    );
    const allowed = judgeRedis({ maxmemoryPolicy: 'volatile-ttl', aofEnabled: true }, true);
    expect(allowed.errors).toEqual([]);
    expect(allowed.warnings[0]).toMatch(/volatile-ttl/);
  });
  it('warns when nothing persists, and only then', () => {
    expect(
      judgeRedis({ maxmemoryPolicy: 'noeviction', aofEnabled: false, rdbSave: '' }, false).warnings[0],
    ).toMatch(/persistence is off/);
    expect(
      judgeRedis({ maxmemoryPolicy: 'noeviction', aofEnabled: false, rdbSave: 'unknown' }, false).warnings,
    ).toEqual([]);
  });
});
