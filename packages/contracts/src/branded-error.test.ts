import { describe, expect, it } from 'vitest';
import { brandError, brandSymbol } from './branded-error.ts';

describe('brandError', () => {
  class PlainError extends Error {
    readonly detail: string;
    constructor(detail: string) {
      super(`plain: ${detail}`);
      this.detail = detail;
    }
  }
  const isPlain = brandError('test.plain', PlainError);

  it('recognizes instances and subclasses, and nothing else', () => {
    class SubError extends PlainError {}
    expect(isPlain(new PlainError('x'))).toBe(true);
    expect(isPlain(new SubError('y'))).toBe(true);
    expect(isPlain(new Error('x'))).toBe(false);
    expect(isPlain({ detail: 'x' })).toBe(false);
    expect(isPlain(null)).toBe(false);
    expect(isPlain(undefined)).toBe(false);
    expect(isPlain('test.plain')).toBe(false);
  });

  it('recognizes an instance of a second copy of the class (a duplicate install)', () => {
    // What a second copy of the package declares: a different class, the same brand name.
    class PlainErrorCopy extends Error {}
    const isCopy = brandError('test.plain', PlainErrorCopy);
    const fromCopy = new PlainErrorCopy('z');
    expect(fromCopy instanceof PlainError).toBe(false);
    expect(isPlain(fromCopy)).toBe(true);
    expect(isCopy(new PlainError('x'))).toBe(true);
  });

  it('brands with Symbol.for("reelay.<name>") set to true, and nothing else counts', () => {
    expect(brandSymbol('test.plain')).toBe(Symbol.for('reelay.test.plain'));
    expect(isPlain({ [Symbol.for('reelay.test.plain')]: true })).toBe(true);
    expect(isPlain({ [Symbol.for('reelay.test.plain')]: 'yes' })).toBe(false);
    expect(isPlain({ [Symbol.for('test.plain')]: true })).toBe(false);
  });

  it('keeps the brand out of own keys, JSON and equality', () => {
    const e = new PlainError('x');
    expect(Object.getOwnPropertySymbols(e)).toEqual([]);
    expect(Object.keys(e)).toEqual(['detail']);
    expect(JSON.stringify(e)).toBe('{"detail":"x"}');
  });

  it('answers instanceof with the guard only when asked to', () => {
    class Other extends Error {}
    expect({ [Symbol.for('reelay.test.other')]: true } instanceof Other).toBe(false);
    brandError('test.other', Other, { instanceOf: true });
    expect({ [Symbol.for('reelay.test.other')]: true } instanceof Other).toBe(true);
    expect(new Other() instanceof Other).toBe(true);
    expect(new Error() instanceof Other).toBe(false);
    expect({ [Symbol.for('reelay.test.plain')]: true } instanceof PlainError).toBe(false);
  });
});
