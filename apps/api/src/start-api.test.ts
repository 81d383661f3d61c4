import { ConfigError } from '@reelay/core';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from './api-config.ts';
import { startApi } from './start-api.ts';

describe('startApi', () => {
  it('refuses a hand-built config that would serve without auth off loopback, before connecting anywhere', async () => {
    const config = loadApiConfig({ API_TOKENS: 'x' });
    const open = { ...config, api: { ...config.api, tokens: [], allowNoAuth: true, host: '0.0.0.0' } };
    const err = await startApi(open).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'API_ALLOW_NO_AUTH: only allowed when HOST is a loopback address, not 0.0.0.0',
    ]);
  });
});
