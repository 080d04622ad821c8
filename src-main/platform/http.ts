import ky, { isNetworkError, isTimeoutError, type KyInstance } from 'ky';
import { z, type ZodType } from 'zod';
import { describeFieldErrors, PlatformError } from './platform-error';

export interface HttpOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Sent with every request (auth headers are read per request: tokens change). */
  readonly headers?: () => Record<string, string | undefined>;
  /** Each completed exchange (for the connection status): ok, or the failure. */
  readonly onOutcome?: (error: PlatformError | null) => void;
}

interface RequestBase {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly form?: FormData;
  readonly query?: Record<string, string>;
  readonly idempotencyKey?: string;
  readonly headers?: Record<string, string | undefined>;
  /**
   * Error statuses that are a meaningful answer here (a wrong PIN's 401, "already processed" 400): still
   * thrown, but they show the link works rather than marking it degraded.
   */
  readonly answers?: readonly number[];
}

/** A JSON body always comes with the schema it is checked against before anything is sent. */
export type Request<Req> =
  | (RequestBase & { readonly json: Req; readonly schema: ZodType<Req> })
  | (RequestBase & { readonly json?: undefined; readonly schema?: undefined });

/** Both success envelopes of the platform: `{status: "success", data}` and `{success: true, data}`. */
const Envelope = z.union([
  z.object({ success: z.literal(true), message: z.string().optional(), data: z.unknown().optional() }).loose(),
  z.object({ status: z.literal('success'), message: z.string().optional(), data: z.unknown().optional() }).loose(),
]);

const ValidationBody = z.object({ message: z.string().optional(), errors: z.record(z.string(), z.array(z.string())) });

/**
 * One platform server: every request body checked against its schema before sending, every answer
 * parsed with one, every failure turned into a classified PlatformError. No retries here: the outbox
 * and the callers decide (a blind retry of a POST is how deposits get counted twice).
 */
export class PlatformHttp {
  readonly #ky: KyInstance;
  readonly #o: HttpOptions;

  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  constructor(options: HttpOptions) {
    this.#o = options;
    this.#ky = ky.create({
      baseUrl: options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
      timeout: options.timeoutMs,
      retry: { limit: 0 },
      throwHttpErrors: false,
      headers: { Accept: 'application/json' },
    });
  }

  /** Sends the request; answers the envelope's `data` parsed with `response` (or the whole body with `whole`). */
  async send<Req, Res>(request: Request<Req>, response: ZodType<Res>, whole = false): Promise<Res> {
    try {
      const result = await this.#send(request, response, whole);
      this.#o.onOutcome?.(null);
      return result;
    } catch (error) {
      if (error instanceof PlatformError && error.kind !== 'bad-request') {
        const answered = error.status !== undefined && request.answers?.includes(error.status);
        this.#o.onOutcome?.(answered ? null : error);
      }
      throw error;
    }
  }

  async #send<Req, Res>(request: Request<Req>, response: ZodType<Res>, whole: boolean): Promise<Res> {
    let json: Req | undefined;
    if (request.schema) {
      const checked = request.schema.safeParse(request.json);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new PlatformError(
          'bad-request',
          `${request.method} ${request.path}: our request is invalid at ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
        );
      }
      json = checked.data;
    }
    const headers = { ...this.#o.headers?.(), ...request.headers };
    if (request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;
    const path = request.path.replace(/^\//, '');
    let res: Response;
    try {
      res = await this.#ky(path, {
        method: request.method,
        ...(json !== undefined ? { json } : {}),
        ...(request.form ? { body: request.form } : {}),
        ...(request.query ? { searchParams: request.query } : {}),
        headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >,
      });
    } catch (error) {
      if (isTimeoutError(error)) {
        throw new PlatformError(
          'timeout',
          `${request.method} ${request.path}: no answer within ${this.#o.timeoutMs} ms`,
        );
      }
      const cause = isNetworkError(error)
        ? ((error.cause as Error | undefined)?.message ?? error.message)
        : String(error);
      throw new PlatformError('network', `${request.method} ${request.path}: ${cause}`);
    }
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON (a proxy's error page): kept as text for the message.
    }
    if (!res.ok) throw httpError(request, res, body);
    const envelope = whole ? { success: true as const, data: body } : Envelope.safeParse(body).data;
    if (!envelope) {
      throw new PlatformError(
        'bad-response',
        `${request.method} ${request.path}: ${res.status} without a success envelope: ${preview(body)}`,
        { status: res.status, body },
      );
    }
    const parsed = response.safeParse(envelope.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PlatformError(
        'bad-response',
        `${request.method} ${request.path}: unexpected answer at ${issue?.path.join('.') || '(data)'}: ${issue?.message} (${preview(body)})`,
        { status: res.status, body },
      );
    }
    return parsed.data;
  }
}

function httpError(request: Request<unknown>, res: Response, body: unknown): PlatformError {
  const retryAfter = res.headers.get('retry-after');
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  const at = retryAfter === null ? NaN : Date.parse(retryAfter);
  const retryAfterMs = Number.isFinite(seconds)
    ? seconds * 1000
    : Number.isFinite(at)
      ? Math.max(0, at - Date.now())
      : undefined;
  const validation = res.status === 422 ? ValidationBody.safeParse(body).data : undefined;
  const message =
    typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
      ? body.message
      : preview(body);
  const what = validation ? `${message} (${describeFieldErrors(validation.errors)})` : message;
  return new PlatformError('http', `${request.method} ${request.path}: ${res.status} ${what}`, {
    status: res.status,
    body,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(validation ? { fieldErrors: validation.errors } : {}),
  });
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (text ?? '(empty)').slice(0, 300);
}
