import { describe, expect, it } from 'vitest';
import { basicAuthMatches, parseBasicAuth, WWW_AUTHENTICATE } from './basic-auth.ts';

const header = (user: string, password: string, scheme = 'Basic') =>
  `${scheme} ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const expected = { user: 'ops', password: 'correct horse:battery' };

describe('parseBasicAuth', () => {
  it('splits at the first colon, so passwords may contain colons', () => {
    expect(parseBasicAuth(header('ops', 'a:b:c'))).toEqual({ user: 'ops', password: 'a:b:c' });
  });

  it('accepts the scheme in any case and UTF-8 credentials', () => {
    expect(parseBasicAuth(header('öps', 'pässword', 'bAsIc'))).toEqual({ user: 'öps', password: 'pässword' });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['another scheme', 'Bearer abc.def'],
    ['no colon', `Basic ${Buffer.from('opsonly').toString('base64')}`],
    ['not base64', 'Basic !!!'],
    ['no credentials', 'Basic '],
  ])('is undefined when the header is %s', (_what, value) => {
    expect(parseBasicAuth(value)).toBeUndefined();
  });
});

describe('basicAuthMatches', () => {
  it('accepts exactly the configured user and password', () => {
    expect(basicAuthMatches(header('ops', 'correct horse:battery'), expected)).toBe(true);
  });

  it.each([
    ['a wrong password', header('ops', 'wrong')],
    ['a wrong user', header('admin', 'correct horse:battery')],
    ['a password prefix', header('ops', 'correct horse')],
    ['a longer password', header('ops', 'correct horse:battery!')],
    ['the user in another case', header('OPS', 'correct horse:battery')],
    ['no header', undefined],
    ['empty credentials', header('', '')],
  ])('refuses %s', (_what, value) => {
    expect(basicAuthMatches(value, expected)).toBe(false);
  });

  it('challenges in the reelay realm', () => {
    expect(WWW_AUTHENTICATE).toBe('Basic realm="reelay"');
  });
});
