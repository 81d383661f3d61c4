import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, webhookDefaultUrlCheck, workerRequirements } from './config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.prefix).toBe('reelay');
    expect(c.vtrix.baseUrl).toBe('https://cloud.vtrix.ai');
    expect(c.s3).toMatchObject({
      region: 'us-east-1',
      forcePathStyle: false,
      keyPrefix: 'generations/',
      bucket: undefined,
    });
    expect(c.webhook).toEqual({
      signingSecrets: [],
      defaultUrl: undefined,
      allowPrivateNetworks: false,
      retrySchedule: undefined,
      presignTtlS: 0,
    });
    expect(c.logLevel).toBe('info');
    expect(c.metricsPort).toBe(9464);
    expect(c.metricsHost).toBe('0.0.0.0');
    expect(c.idempotencyTtlS).toBeGreaterThanOrEqual(86_400);
  });

  it('reads typed values and splits rotated secrets', () => {
    const c = loadConfig({
      S3_FORCE_PATH_STYLE: 'true',
      MAX_IN_FLIGHT: '2',
      WEBHOOK_SIGNING_SECRET: 'whsec_a, whsec_b',
      POLL_INITIAL_DELAY_MS: '100',
      POLL_MAX_DELAY_MS: '200',
    });
    expect(c.s3.forcePathStyle).toBe(true);
    expect(c.submit.maxInFlight).toBe(2);
    expect(c.webhook.signingSecrets).toEqual(['whsec_a', 'whsec_b']);
    expect(c.poll).toMatchObject({ initialDelayMs: 100, maxDelayMs: 200 });
  });

  it('guards the video download by default: no private networks, a 2 GiB cap', () => {
    expect(loadConfig({}).video).toEqual({ allowPrivateNetworks: false, maxBytes: 2 * 1024 ** 3 });
    expect(loadConfig({ UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'true', MAX_VIDEO_BYTES: '1048576' }).video).toEqual(
      { allowPrivateNetworks: true, maxBytes: 1_048_576 },
    );
  });

  it.each([
    ['UPSTREAM_ALLOW_PRIVATE_NETWORKS', 'sometimes', 'must be true or false'],
    ['MAX_VIDEO_BYTES', '0', 'must be at least 1'],
    ['MAX_VIDEO_BYTES', '2GiB', 'must be a number'],
    ['MAX_VIDEO_BYTES', '1.5', 'must be an integer'],
  ])('refuses %s=%s, naming the variable and the rule', (name, value, rule) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`${name}: ${rule}`);
  });

  it('names every wrong variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({
        REDIS_URL: 'http://x',
        MAX_IN_FLIGHT: '-1',
        LOG_LEVEL: 'loud',
        S3_FORCE_PATH_STYLE: 'maybe',
        VTRIX_BASE_URL: 'nope',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const v of ['REDIS_URL', 'MAX_IN_FLIGHT', 'LOG_LEVEL', 'S3_FORCE_PATH_STYLE', 'VTRIX_BASE_URL'])
      expect(problems).toContain(`${v}:`);
  });

  it('takes a metrics host and refuses one that is not a host', () => {
    expect(loadConfig({ METRICS_HOST: '127.0.0.1' }).metricsHost).toBe('127.0.0.1');
    expect(() => loadConfig({ METRICS_HOST: 'http://x/' })).toThrow(
      /METRICS_HOST: must be a host name or IP address/,
    );
  });

  it('bounds S3 connections by default and refuses a timeout that is off or not a number', () => {
    expect(loadConfig({}).s3).toMatchObject({ connectTimeoutMs: 5_000, socketTimeoutMs: 60_000 });
    expect(loadConfig({ S3_CONNECT_TIMEOUT_MS: '250', S3_SOCKET_TIMEOUT_MS: '1500' }).s3).toMatchObject({
      connectTimeoutMs: 250,
      socketTimeoutMs: 1_500,
    });
    let err: unknown;
    try {
      loadConfig({ S3_CONNECT_TIMEOUT_MS: '0', S3_SOCKET_TIMEOUT_MS: 'soon' });
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).problems).toEqual([
      'S3_CONNECT_TIMEOUT_MS: must be at least 100',
      'S3_SOCKET_TIMEOUT_MS: must be a number',
    ]);
  });

  it('runs extra checks and cross-field rules into the same error', () => {
    expect(() =>
      loadConfig({ POLL_INITIAL_DELAY_MS: '5000', POLL_MAX_DELAY_MS: '1000' }, [
        () => ['WEBHOOK_SIGNING_SECRET: bad'],
      ]),
    ).toThrow(/POLL_MAX_DELAY_MS: must be at least POLL_INITIAL_DELAY_MS[\s\S]*WEBHOOK_SIGNING_SECRET: bad/);
  });

  it("reports an app's own problems together with core's, even when core's schema fails", () => {
    const problems = (e: unknown) => (e as ConfigError).problems;
    let err: unknown;
    try {
      loadConfig({ LOG_LEVEL: 'loud' }, [], ['API_TOKENS: required']);
    } catch (e) {
      err = e;
    }
    expect(problems(err)).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'API_TOKENS: required',
    ]);
    expect(() => loadConfig({}, [], ['API_TOKENS: required'])).toThrow(/API_TOKENS: required/);
  });

  it('runs the extra checks and cross-field rules also when the schema refuses variables', () => {
    const problems = problemsOf(() =>
      loadConfig(
        { LOG_LEVEL: 'loud', POLL_INITIAL_DELAY_MS: '5000', POLL_MAX_DELAY_MS: '1000' },
        [workerRequirements, () => ['WEBHOOK_SIGNING_SECRET: bad']],
        ['API_TOKENS: required'],
      ),
    );
    expect(problems).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'POLL_MAX_DELAY_MS: must be at least POLL_INITIAL_DELAY_MS',
      'S3_BUCKET: is required to run the sink stage',
      'VTRIX_API_KEY: is required unless VTRIX_BASE_URL points at a local simulator',
      'WEBHOOK_SIGNING_SECRET: bad',
      'API_TOKENS: required',
    ]);
  });

  it('does not judge a refused variable again: checks see it at its default', () => {
    const problems = problemsOf(() =>
      loadConfig({ POLL_INITIAL_DELAY_MS: 'soon', POLL_MAX_DELAY_MS: '50', S3_REGION: '' }, [
        (c) => [`S3_REGION: saw ${c.s3.region}`],
      ]),
    );
    // POLL_MAX_DELAY_MS=50 is below the default initial delay, but that default is not the operator's.
    expect(problems.sort()).toEqual([
      'POLL_INITIAL_DELAY_MS: must be a number',
      'S3_REGION: Too small: expected string to have >=1 characters',
    ]);
  });

  it('says what a worker is missing', () => {
    expect(workerRequirements(loadConfig({}))).toEqual([
      'S3_BUCKET: is required to run the sink stage',
      'VTRIX_API_KEY: is required unless VTRIX_BASE_URL points at a local simulator',
    ]);
    expect(
      workerRequirements(loadConfig({ S3_BUCKET: 'b', VTRIX_BASE_URL: 'http://127.0.0.1:4010' })),
    ).toEqual([]);
  });
});

describe('webhookDefaultUrlCheck', () => {
  // The shape of @reelay/webhooks' checkWebhookUrl, which core may not import.
  const rule = (url: string, opts: { allowPrivateNetworks: boolean }) =>
    url.includes('169.254.') && !opts.allowPrivateNetworks
      ? {
          ok: false as const,
          message: 'webhook host 169.254.169.254 is in a blocked address range (linkLocal)',
        }
      : { ok: true as const };

  it('names WEBHOOK_DEFAULT_URL and the rule when the target is refused', () => {
    const problems = problemsOf(() =>
      loadConfig({ WEBHOOK_DEFAULT_URL: 'https://169.254.169.254/latest' }, [webhookDefaultUrlCheck(rule)]),
    );
    expect(problems).toEqual([
      'WEBHOOK_DEFAULT_URL: webhook host 169.254.169.254 is in a blocked address range (linkLocal) (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows http, loopback and private targets, for development only)',
    ]);
  });

  it('passes the allowance on, and has nothing to say when the variable is unset', () => {
    const check = webhookDefaultUrlCheck(rule);
    expect(
      loadConfig(
        { WEBHOOK_DEFAULT_URL: 'https://169.254.169.254/latest', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
        [check],
      ).webhook.defaultUrl,
    ).toBe('https://169.254.169.254/latest');
    expect(loadConfig({}, [check]).webhook.defaultUrl).toBeUndefined();
  });
});

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
