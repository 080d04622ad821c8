import { PlatformError } from './platform-error';

/**
 * The v2 bearer token, with one login at a time: requests refused together (a server restart revokes
 * every token) share one re-login, and a request that failed with a token already replaced just tries
 * again with the new one. The old token stays until the new one arrives, so the link never looks
 * disconnected in between (which would start a second connect: claim and timezone sync again).
 */
export class V2Auth {
  #token: string | undefined;
  #login: Promise<string> | undefined;
  /** Logins done (diagnostics and tests). */
  logins = 0;

  constructor(private readonly login: () => Promise<string>) {}

  get token(): string | undefined {
    return this.#token;
  }

  /**
   * A fresh token, unless the one that failed (`stale`) was already replaced: then that one. Callers
   * at the same time share one login.
   */
  renew(stale?: string): Promise<string> {
    if (this.#token !== undefined && this.#token !== stale) return Promise.resolve(this.#token);
    this.#login ??= this.login()
      .then((token) => {
        this.logins++;
        this.#token = token;
        return token;
      })
      .finally(() => {
        this.#login = undefined;
      });
    return this.#login;
  }

  /** Runs an authenticated request; a 401 logs in again (once, shared) and repeats it. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    const used = this.#token ?? (await this.renew());
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof PlatformError) || error.status !== 401) throw error;
      await this.renew(used);
      return request();
    }
  }
}
