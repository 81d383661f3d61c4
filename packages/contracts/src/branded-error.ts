/**
 * Brands for error classes, so that an `isX(e)` check survives two copies of a package in one
 * process (a duplicate install, a bundled copy), where `instanceof` would not: each copy has
 * its own class, but `Symbol.for` returns the same symbol from the global registry in both
 * (the trick undici uses for its errors).
 *
 *     export class QuotaError extends Error { override name = 'QuotaError'; }
 *     export const isQuotaError = brandError('quota.error', QuotaError);
 *     if (isQuotaError(e)) e.name; // e: QuotaError, also when thrown by another copy
 */

// `never[]`: any constructor signature is assignable to it, so classes with parameters qualify.
type Class<T> = abstract new (...args: never[]) => T;

/** A guard that recognizes instances of a branded class, from this copy of the code or another. */
export type BrandGuard<T> = (value: unknown) => value is T;

export interface BrandOptions {
  /**
   * Also answer `value instanceof cls` with the guard (a static `Symbol.hasInstance`), so that
   * `instanceof` recognizes instances from another copy too. Subclasses inherit it: for them
   * `instanceof` answers "is any instance of the branded class". @defaultValue false
   */
  instanceOf?: boolean;
}

/** The global-registry symbol behind a brand: `Symbol.for('reelay.<name>')`. */
export function brandSymbol(name: string): symbol {
  return Symbol.for(`reelay.${name}`);
}

/**
 * Brands `cls`: its prototype carries `Symbol.for('reelay.<name>') = true` (non-enumerable, so
 * it shows neither in logs nor in equality checks; subclasses inherit it). Returns the guard,
 * which accepts any object whose brand property is `true`. Keep `name` stable: two versions of
 * a package recognize each other's errors only while they agree on it.
 */
export function brandError<C extends Class<object>>(
  name: string,
  cls: C,
  options: BrandOptions = {},
): BrandGuard<InstanceType<C>> {
  const symbol = brandSymbol(name);
  Object.defineProperty(cls.prototype, symbol, { value: true });
  const guard = (value: unknown): value is InstanceType<C> =>
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[symbol] === true;
  // defineProperty, not assignment: Function.prototype[Symbol.hasInstance] is not writable.
  if (options.instanceOf) Object.defineProperty(cls, Symbol.hasInstance, { value: guard });
  return guard;
}
