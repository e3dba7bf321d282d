/**
 * An error the user can fix: bad input, a missing file, a database from a newer release.
 * Its message names the thing and the fix; the CLI prints it alone and exits with code 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
