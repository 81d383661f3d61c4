import { describe, expect, it } from 'vitest';
import { createFormTokens, sameOriginPost } from './form-guard.ts';

describe('sameOriginPost', () => {
  it('lets through a post the browser says came from the same origin', () => {
    expect(sameOriginPost({ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' })).toEqual({
      ok: true,
    });
  });

  it('refuses a post from another site, or another subdomain, by Sec-Fetch-Site', () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      const d = sameOriginPost({
        'sec-fetch-site': site,
        origin: 'https://ops.example',
        host: 'ops.example',
      });
      expect(d).toEqual({
        ok: false,
        reason: `a form posted from another site is refused (Sec-Fetch-Site: ${site})`,
      });
    }
  });

  it('without Sec-Fetch-Site, compares Origin with Host or X-Forwarded-Host', () => {
    expect(sameOriginPost({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' })).toEqual({ ok: true });
    expect(sameOriginPost({ origin: 'https://OPS.example.com', host: 'ops.example.com' })).toEqual({
      ok: true,
    });
    expect(
      sameOriginPost({
        origin: 'https://ops.example.com',
        host: '10.0.0.5:3000',
        'x-forwarded-host': 'ops.example.com',
      }),
    ).toEqual({ ok: true });
    expect(sameOriginPost({ origin: 'https://evil.example', host: 'ops.example.com' })).toEqual({
      ok: false,
      reason: 'a form posted from another site is refused (Origin: https://evil.example)',
    });
    // A sandboxed frame or a data: page posts with Origin: null.
    expect(sameOriginPost({ origin: 'null', host: 'ops.example.com' }).ok).toBe(false);
  });

  it('lets through a request no browser sent (no Sec-Fetch-Site, no Origin): the token still decides', () => {
    expect(sameOriginPost({ host: 'ops.example.com' })).toEqual({ ok: true });
  });
});

describe('createFormTokens', () => {
  it('verifies a token only for the purpose it was issued for, and only from the same secret', () => {
    const tokens = createFormTokens();
    const t = tokens.issue('tenant-pause:acme');
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify('tenant-pause:acme', t)).toBe(true);
    expect(tokens.verify('tenant-resume:acme', t)).toBe(false);
    expect(tokens.verify('tenant-pause:acme2', t)).toBe(false);
    expect(createFormTokens().verify('tenant-pause:acme', t)).toBe(false);
    for (const bad of [undefined, '', `${t}=`, `${t.slice(0, -1)}!`, 42, [t]])
      expect(tokens.verify('tenant-pause:acme', bad)).toBe(false);
  });

  it('issues the same token for a purpose under one secret', () => {
    const secret = Buffer.alloc(32, 7);
    expect(createFormTokens(secret).issue('x')).toBe(createFormTokens(secret).issue('x'));
  });
});
