import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './webhook-url.ts';

const strict = { allowPrivateNetworks: false };
const relaxed = { allowPrivateNetworks: true };

describe('checkWebhookUrl', () => {
  it('accepts a public https URL and returns it parsed', () => {
    const checked = checkWebhookUrl('https://hooks.example.com:8443/in?x=1', strict);
    expect(checked.ok).toBe(true);
    expect(checked.ok && checked.url.href).toBe('https://hooks.example.com:8443/in?x=1');
  });

  it('accepts public IP literals', () => {
    expect(checkWebhookUrl('https://93.184.216.34/', strict).ok).toBe(true);
    expect(checkWebhookUrl('https://[2606:4700:4700::1111]/', strict).ok).toBe(true);
  });

  it.each([
    ['https://127.1/', 'loopback'],
    ['https://2130706433/', 'loopback'],
    ['https://0x7f.0.0.1/', 'loopback'],
    ['https://0177.0.0.1/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'ipv4Mapped:loopback'],
    ['https://[::1]/', 'loopback'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://0/', 'unspecified'],
    ['https://10.0.0.5/', 'private'],
    ['https://169.254.169.254/latest/meta-data/', 'cloudMetadata'],
    ['https://[fd00:ec2::254]/', 'cloudMetadata'],
    ['https://[fe80::1]/', 'linkLocal'],
    ['https://[64:ff9b::a00:1]/', 'nat64:private'],
    ['https://[::127.0.0.1]/', 'ipv4Compatible:loopback'],
  ])('refuses %s as a blocked address (%s)', (url, range) => {
    const checked = checkWebhookUrl(url, strict);
    expect(checked).toMatchObject({ ok: false, code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS' });
    expect(!checked.ok && checked.message).toContain(`(${range})`);
  });

  it.each([
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost/',
    'https://localhost:8443/x',
  ])('refuses %s by name', (url) => {
    expect(checkWebhookUrl(url, strict)).toMatchObject({ ok: false, code: 'REELAY_WEBHOOK_BLOCKED_HOST' });
  });

  it('refuses http without allowPrivateNetworks', () => {
    expect(checkWebhookUrl('http://hooks.example.com/', strict)).toMatchObject({
      ok: false,
      code: 'REELAY_WEBHOOK_INSECURE_URL',
    });
  });

  it.each([
    'ftp://hooks.example.com/',
    'file:///etc/passwd',
    'ws://hooks.example.com/',
    'data:text/plain,hi',
    'gopher://x/',
  ])('refuses scheme of %s', (url) => {
    for (const opts of [strict, relaxed]) {
      expect(checkWebhookUrl(url, opts)).toMatchObject({
        ok: false,
        code: 'REELAY_WEBHOOK_UNSUPPORTED_SCHEME',
      });
    }
  });

  it.each([
    'https://user:pass@hooks.example.com/',
    'https://user@hooks.example.com/',
    'https://:pass@hooks.example.com/',
  ])('refuses userinfo in %s, even with allowPrivateNetworks, without echoing it', (url) => {
    for (const opts of [strict, relaxed]) {
      const checked = checkWebhookUrl(url, opts);
      expect(checked).toMatchObject({ ok: false, code: 'REELAY_WEBHOOK_URL_CREDENTIALS' });
      expect(!checked.ok && checked.message).not.toMatch(/user@|user:|:pass/);
    }
  });

  it.each([
    '',
    'hooks.example.com',
    '/relative',
    'https://',
    'https://exa mple.com/',
    `https://example.com/${'a'.repeat(2048)}`,
  ])('refuses %j as an invalid URL', (url) => {
    expect(checkWebhookUrl(url, strict)).toMatchObject({ ok: false, code: 'REELAY_WEBHOOK_INVALID_URL' });
  });

  it('with allowPrivateNetworks accepts http, loopback and localhost', () => {
    for (const url of [
      'http://127.0.0.1:8080/',
      'https://10.0.0.5/',
      'http://localhost:3000/',
      'http://[::1]:9/',
    ]) {
      expect(checkWebhookUrl(url, relaxed).ok).toBe(true);
    }
  });
});
