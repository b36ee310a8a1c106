/**
 * @module test/helpers/error-code
 * The `code` of the error a call throws, or `'no error'`: lets a test assert the exact refusal in one line.
 */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
}
