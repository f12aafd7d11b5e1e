import { IstioValidationError } from '../../src/validation';

/** Runs `fn` and returns the {@link IstioValidationError} it throws; fails the test when it throws nothing or something else. */
export function validationError(fn: () => unknown): IstioValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof IstioValidationError) return e;
    throw e;
  }
  throw new Error('expected an IstioValidationError');
}
