import { InputError } from '../errors.js';

/** A command-line choice, checked against the allowed values (an InputError naming them otherwise). */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw new InputError(`${option} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}
