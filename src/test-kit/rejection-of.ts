/**
 * What `promise` rejects with, so a test can inspect the error's fields (an `expect(...).rejects`
 * chain only matches one shape); throws when the promise resolves instead.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
