import { describe, expect, it } from 'vitest';
import { isAccountFailure } from './account-failure.ts';

describe('isAccountFailure', () => {
  it('takes the upstream code first: Arrearage is an account failure as an HTTP 400', () => {
    expect(isAccountFailure(400, 'Arrearage')).toBe(true);
    expect(isAccountFailure(401, 'InvalidApiKey')).toBe(true);
    expect(isAccountFailure(400, 'InvalidParameter')).toBe(false);
  });

  it('a per-request refusal under 403 is not the account', () => {
    expect(isAccountFailure(403, 'DataInspectionFailed')).toBe(false);
  });

  it('falls back to the status without a code it knows: 401, 402, 403', () => {
    for (const s of [401, 402, 403]) expect(isAccountFailure(s, undefined)).toBe(true);
    expect(isAccountFailure(403, 'SomethingNew')).toBe(true);
    for (const s of [400, 404, 429, 500, undefined]) expect(isAccountFailure(s, undefined)).toBe(false);
  });
});
