// The one error type of run-state storage: which file, what went wrong with it, and the underlying cause.

export type StoreErrorReason =
  'missing' | 'unreadable' | 'bad-json' | 'invalid' | 'write-failed' | 'bad-name' | 'unusable-home';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly path: string;
  readonly reason: StoreErrorReason;

  constructor(
    message: string,
    options: { readonly path: string; readonly reason: StoreErrorReason; readonly cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.path = options.path;
    this.reason = options.reason;
  }
}
