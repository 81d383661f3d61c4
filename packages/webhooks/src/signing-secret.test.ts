import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSigningSecret, parseSigningSecrets, parseVerificationSecret } from './signing-secret.ts';

const secretOf = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('parseSigningSecret', () => {
  it.each([24, 32, 48, 64])('accepts a %i-byte key and returns it', (bytes) => {
    const secret = secretOf(bytes);
    const parsed = parseSigningSecret(secret);
    expect(parsed).toEqual({ ok: true, key: Buffer.from(secret.slice(6), 'base64') });
    expect(parsed.ok && parsed.key.length).toBe(bytes);
  });

  it('ignores surrounding whitespace (env files)', () => {
    const secret = secretOf(32);
    expect(parseSigningSecret(`  ${secret}\n`).ok).toBe(true);
  });

  it.each([
    ['no prefix', () => randomBytes(32).toString('base64'), /must start with "whsec_"/],
    ['a wrong-case prefix', () => `WHSEC_${randomBytes(32).toString('base64')}`, /must start with "whsec_"/],
    ['url-safe base64', () => 'whsec_ab-_ab-_ab-_ab-_ab-_ab-_ab-_ab-_', /standard base64/],
    ['a missing pad', () => secretOf(32).replace(/=$/, ''), /standard base64/],
    ['an empty key', () => 'whsec_', /empty key/],
    ['a 23-byte key', () => secretOf(23), /24–64 bytes \(got 23\)/],
    ['a 65-byte key', () => secretOf(65), /24–64 bytes \(got 65\)/],
    ['an 18-byte key', () => 'whsec_plJ3nmyCDGBKInavdOK15jsl', /24–64 bytes \(got 18\)/],
  ])('refuses %s, naming the rule and not the secret', (_name, make, rule) => {
    const secret = make();
    const parsed = parseSigningSecret(secret);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(rule);
    const keyPart = secret.replace(/^whsec_/i, '');
    if (keyPart.length > 0) expect(parsed.error).not.toContain(keyPart);
  });
});

describe('parseSigningSecrets', () => {
  it('parses a rotation list in order, trimming spaces', () => {
    const [a, b] = [secretOf(32), secretOf(24)];
    const parsed = parseSigningSecrets(` ${a} , ${b} `);
    expect(parsed).toEqual({
      ok: true,
      keys: [Buffer.from(a.slice(6), 'base64'), Buffer.from(b.slice(6), 'base64')],
    });
  });

  it('reports every bad entry by 1-based position without echoing secrets', () => {
    const good = secretOf(32);
    const short = secretOf(10);
    const parsed = parseSigningSecrets(`${good},${short},,nope`);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.position)).toEqual([2, 3, 4]);
    expect(parsed.problems[0]?.error).toMatch(/got 10/);
    expect(parsed.problems[1]?.error).toBe('entry is empty');
    expect(parsed.problems[2]?.error).toMatch(/whsec_/);
    expect(parsed.error).toMatch(/^secret #2: .*; secret #3: entry is empty; secret #4: /);
    for (const secret of [good, short]) expect(parsed.error).not.toContain(secret.slice(6));
    expect(parsed.error).not.toContain('nope');
  });

  it('refuses an empty list', () => {
    expect(parseSigningSecrets('  ')).toMatchObject({ ok: false, error: 'no signing secret given' });
  });
});

describe('parseVerificationSecret', () => {
  it('accepts keys below the signing minimum', () => {
    const parsed = parseVerificationSecret('whsec_plJ3nmyCDGBKInavdOK15jsl');
    expect(parsed.ok && parsed.key.length).toBe(18);
  });

  it('still requires the prefix and canonical base64', () => {
    expect(parseVerificationSecret('plJ3nmyCDGBKInavdOK15jsl').ok).toBe(false);
    expect(parseVerificationSecret('whsec_plJ3nmyCDGBKInavdOK15js').ok).toBe(false);
  });
});
