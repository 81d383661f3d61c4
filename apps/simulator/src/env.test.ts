import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config.ts';
import { envName, parseSimulatorEnv } from './env.ts';

describe('envName', () => {
  it('maps a switch to its SIM_ variable', () => {
    expect(envName('taskDurationMs')).toBe('SIM_TASK_DURATION_MS');
    expect(envName('retryAfterS')).toBe('SIM_RETRY_AFTER_S');
    expect(envName('apiKey')).toBe('SIM_API_KEY');
  });
});

describe('parseSimulatorEnv', () => {
  it('gives defaults for an empty environment', () => {
    expect(parseSimulatorEnv({})).toEqual({
      ok: true,
      value: { port: 4010, host: '127.0.0.1', seed: undefined, config: defaultConfig },
    });
  });

  it('reads every kind of switch', () => {
    const result = parseSimulatorEnv({
      SIM_PORT: '5000',
      SIM_HOST: '0.0.0.0',
      SIM_SEED: '12',
      SIM_API_KEY: 'secret',
      SIM_TASK_DURATION_MS: '250',
      SIM_FAIL_RATE: '0.5',
      SIM_RETRY_AFTER_FORM: 'http-date',
      SIM_STATUS_VARIANTS: 'true',
      SIM_EXPIRE_FIRST_URL: '1',
      SIM_VIDEO_BYTES: '1073741824',
      SIM_LATENCY_MS: '', // empty = unset
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ port: 5000, host: '0.0.0.0', seed: 12 });
    expect(result.value.config).toEqual({
      ...defaultConfig,
      apiKey: 'secret',
      taskDurationMs: 250,
      failRate: 0.5,
      retryAfterForm: 'http-date',
      statusVariants: true,
      expireFirstUrl: true,
      videoBytes: 1073741824,
    });
  });

  it('names every bad variable at once', () => {
    const result = parseSimulatorEnv({
      SIM_PORT: 'eighty',
      SIM_FAIL_RATE: '2',
      SIM_STATUS_VARIANTS: 'maybe',
      SIM_TASK_DURATION_MS: '1.5',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const named = result.errors.map((e) => e.split(':')[0]).sort();
    expect(named).toEqual(['SIM_FAIL_RATE', 'SIM_PORT', 'SIM_STATUS_VARIANTS', 'SIM_TASK_DURATION_MS']);
  });
});
