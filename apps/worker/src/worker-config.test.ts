import { ConfigError } from '@reelay/core';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './worker-config.ts';

/**
 * Ten wrong variables: six the schema refuses, and four only the worker's checks see (two
 * requirements, two formats). Issue #14: the last four used to appear after the first six were fixed.
 */
const TEN_WRONG = {
  REDIS_URL: 'http://127.0.0.1:6379',
  LOG_LEVEL: 'loud',
  MAX_IN_FLIGHT: '-1',
  S3_FORCE_PATH_STYLE: 'maybe',
  SUBMIT_UNCERTAIN: 'guess',
  METRICS_PORT: '70000',
  WEBHOOK_SIGNING_SECRET: 'whsec_short',
  WEBHOOK_RETRY_SCHEDULE: '5x',
} as const;
// S3_BUCKET and VTRIX_API_KEY are wrong by being missing.
const TEN_WRONG_NAMES = [...Object.keys(TEN_WRONG), 'S3_BUCKET', 'VTRIX_API_KEY'];

describe('loadWorkerConfig', () => {
  it('names all ten wrong variables in one error: schema, formats and requirements', () => {
    let err: unknown;
    try {
      loadWorkerConfig({ ...TEN_WRONG });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const named = (err as ConfigError).problems.map((p) => p.slice(0, p.indexOf(':')));
    expect(new Set(named)).toEqual(new Set(TEN_WRONG_NAMES));
  });

  it('refuses a WEBHOOK_DEFAULT_URL the SSRF check refuses, unless WEBHOOK_ALLOW_PRIVATE_NETWORKS', () => {
    const ok = { S3_BUCKET: 'b', VTRIX_API_KEY: 'k' };
    let err: unknown;
    try {
      loadWorkerConfig({ ...ok, WEBHOOK_DEFAULT_URL: 'https://169.254.169.254/latest' });
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^WEBHOOK_DEFAULT_URL: webhook host 169\.254\.169\.254 is in a blocked address range .*WEBHOOK_ALLOW_PRIVATE_NETWORKS=true/,
      ),
    ]);
    const dev = {
      ...ok,
      WEBHOOK_DEFAULT_URL: 'http://127.0.0.1:9000/hook',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    };
    expect(loadWorkerConfig(dev).webhook.defaultUrl).toBe('http://127.0.0.1:9000/hook');
  });
});
