import { describe, expect, it } from 'vitest';
import { PlatformError } from './platform-error';
import { V2Auth } from './v2-auth';

const refused = () => new PlatformError('http', 'POST /x: 401 Unauthenticated.', { status: 401 });

describe('V2Auth', () => {
  it('requests refused together share one login, and each is repeated once with the new token', async () => {
    let next = 1;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const auth = new V2Auth(async () => {
      await gate;
      return `token-${next++}`;
    });
    const first = auth.renew();
    release();
    expect(await first).toBe('token-1');
    // The server restarted: token-1 is refused by three requests in flight at once.
    let valid = 'token-2';
    const request = async () => {
      if (auth.token !== valid) throw refused();
      return auth.token;
    };
    expect(await Promise.all([auth.run(request), auth.run(request), auth.run(request)])).toEqual([
      'token-2',
      'token-2',
      'token-2',
    ]);
    expect(auth.logins).toBe(2);
    // A refusal of a token already replaced does not log in again.
    valid = 'token-2';
    expect(await auth.renew('token-1')).toBe('token-2');
    expect(auth.logins).toBe(2);
  });

  it('keeps the old token while a login is in flight; a failed login is everyone’s failure', async () => {
    let fail = false;
    const auth = new V2Auth(async () => {
      if (fail) throw refused();
      return 'token-1';
    });
    await auth.renew();
    fail = true;
    const again = auth.renew('token-1');
    expect(auth.token).toBe('token-1');
    await expect(again).rejects.toBeInstanceOf(PlatformError);
    await expect(auth.run(async () => Promise.reject(refused()))).rejects.toMatchObject({ status: 401 });
    expect(auth.token).toBe('token-1');
  });
});
