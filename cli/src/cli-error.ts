/** Exit codes of `ensemble` (documented in its README). */
export const EXIT = { ok: 0, api: 1, usage: 2, unreachable: 3, unauthorized: 4 } as const;

/** A failure told in one line on stderr, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.api,
  ) {
    super(message);
  }
}
