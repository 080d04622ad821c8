/** Why a platform request did not succeed, classified for the outbox and the connection status. */
export type FailureKind =
  /** No answer: connection refused, reset, DNS, TLS. The request may or may not have landed. */
  | 'network'
  | 'timeout'
  /** The server answered with an error status. */
  | 'http'
  /** The server answered 2xx with a body the contract does not describe. */
  | 'bad-response'
  /** Our own request failed its schema before it was sent. */
  | 'bad-request';

export class PlatformError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly details: {
      readonly status?: number;
      readonly retryAfterMs?: number;
      /** Laravel's 422 `errors`: field → messages. */
      readonly fieldErrors?: Readonly<Record<string, readonly string[]>>;
      readonly body?: unknown;
      /**
       * 'endpoint': the refusal concerns this endpoint only (it wants a credential the machine does not
       * hold, e.g. the v1 dev line's bearer on sync-offline), not the machine's own credentials.
       */
      readonly authScope?: 'endpoint';
    } = {},
  ) {
    super(message);
    this.name = 'PlatformError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  /** The machine's credentials were refused: nothing will succeed until they change. */
  get isAuth(): boolean {
    return this.kind === 'http' && (this.status === 401 || this.status === 403);
  }

  /**
   * Worth sending again later, unchanged: no answer, a timeout, 408, 409, 429 or a server error.
   * Everything else (validation, other 4xx, an unreadable success) will fail the same way again.
   */
  get isTransient(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    if (this.kind !== 'http' || this.status === undefined) return false;
    return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
  }
}

/** Laravel's 422 body → "field: message; field: message". */
export function describeFieldErrors(errors: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(errors)
    .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
    .join('; ');
}
