import { describe, expect, it } from 'vitest';
import { recordKeys } from './topology.ts';

describe('recordKeys', () => {
  it('tells a record hash key from the keys beside it', () => {
    const keys = recordKeys('app');
    expect(keys.recordIdOf(keys.record('gen_1'))).toBe('gen_1');
    expect(keys.recordIdOf(keys.deliveries('gen_1'))).toBeUndefined();
    expect(keys.recordIdOf(keys.input('gen_1'))).toBeUndefined();
    expect(keys.recordIdOf('other:gen:gen_1')).toBeUndefined();
    expect(keys.recordIdOf(keys.record(''))).toBeUndefined();
  });
});
