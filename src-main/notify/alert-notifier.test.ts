import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src-preload/contract';
import { FakeClock } from '../../test/support/fake-clock';
import { tempDir } from '../../test/support/test-core';
import { ConfigSchema } from '../config/config.schema';
import { systemClock, type Clock } from '../kernel/clock';
import { createLogger } from '../log/logger';
import { openStore } from '../store/database';
import { NotificationRepo } from '../store/notification.repo';
import { AlertNotifier } from './alert-notifier';

// Alert notifications through the durable queue, to a real HTTP webhook receiver and a real SMTP server
// on loopback: an alert raised during an outage arrives once each when the link returns.

const SECRET = 'hmac-secret-0123456789';
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A webhook receiver that can go down and come back on the same port. */
async function webhookReceiver() {
  const received: Array<{ body: string; headers: IncomingHttpHeaders }> = [];
  const waiters: Array<() => void> = [];
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({ body, headers: req.headers });
          res.end('ok');
          waiters.splice(0).forEach((w) => w());
        });
      });
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const down = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  cleanups.push(down);
  return {
    port,
    received,
    down,
    up: () => listen(port),
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

/** A plain SMTP server on loopback (smtp-server, from nodemailer's authors) that keeps every message. */
async function smtpReceiver() {
  const messages: string[] = [];
  let server: SMTPServer | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, _session, callback) {
          let text = '';
          stream.on('data', (c: Buffer) => (text += c.toString()));
          stream.on('end', () => {
            messages.push(text);
            callback();
          });
        },
      });
      server.listen(port, '127.0.0.1', () => resolve((server!.server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const down = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  cleanups.push(down);
  return { port, messages, down, up: () => listen(port) };
}

function notifier(clock: Clock, webhookPort: number, smtpPort: number, dir?: string) {
  let folder = dir;
  if (!folder) {
    const t = tempDir('rvm-notify-');
    cleanups.push(() => t.cleanup());
    folder = t.dir;
  }
  const { db } = openStore(join(folder, 'rvm.db'));
  cleanups.push(() => db.close());
  const config = ConfigSchema.parse({
    machine: { id: 'RVM-07', name: 'RVM Sudirman' },
    monitor: {
      alerts: {
        webhookUrl: `http://127.0.0.1:${webhookPort}/hooks/rvm`,
        webhookSecret: SECRET,
        email: {
          host: '127.0.0.1',
          port: smtpPort,
          requireTls: false,
          from: 'rvm-07@example.com',
          to: ['ops@example.com'],
        },
      },
    },
  });
  const repo = new NotificationRepo(db);
  return { n: new AlertNotifier({ config, timeZone: 'Asia/Jakarta', repo, clock, logger }), repo, folder };
}

const alert = (at: number): Alert => ({
  id: `bin_full-${at}`,
  rule: 'bin_full',
  title: 'Bin full',
  severity: 'critical',
  state: 'active',
  value: 100,
  op: '>=',
  threshold: 98,
  firedAt: at,
  lastSeenAt: at,
  resolvedAt: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
});

describe('alert notifications', () => {
  it('an alert raised in a 10-minute outage reaches the webhook and the mail server once each after it', async () => {
    const hook = await webhookReceiver();
    const smtp = await smtpReceiver();
    await hook.down();
    await smtp.down();
    const clock = new FakeClock();
    const { n, repo, folder } = notifier(clock, hook.port, smtp.port);
    const fired = alert(clock.now());
    n.notify(fired, 'fired');
    await n.drain();
    // Ten minutes of outage, looked at every 15 s: retried with back-off, nothing delivered.
    for (let t = 0; t < 600_000; t += 15_000) {
      clock.advance(15_000);
      await n.drain();
    }
    expect(hook.received).toEqual([]);
    expect(smtp.messages).toEqual([]);
    expect(repo.pendingCount()).toBe(2);

    // The kiosk restarted meanwhile: a new notifier over the same store still has them.
    const again = notifier(clock, hook.port, smtp.port, folder).n;
    await hook.up();
    await smtp.up();
    again.retryNow();
    await again.drain();
    for (let t = 0; t < 3_600_000; t += 60_000) {
      clock.advance(60_000);
      await again.drain();
    }
    again.notify(fired, 'fired'); // the same transition again: not sent twice
    await again.drain();

    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    const signature = createHmac('sha256', SECRET).update(delivery!.body).digest('hex');
    expect(delivery!.headers['x-rvm-signature']).toBe(`sha256=${signature}`);
    expect(delivery!.headers['x-rvm-delivery']).toBe(`RVM-07:webhook:${fired.id}:fired`);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      machineId: 'RVM-07',
      change: 'fired',
      at: expect.stringMatching(/\+07:00$/),
      alert: { rule: 'bin_full', severity: 'critical' },
    });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatch(/Subject: \[RVM-07\] ALERT critical: Bin full/);
    expect(smtp.messages[0]).toMatch(/To: ops@example\.com/);
    expect(repo.pendingCount()).toBe(0);

    // Its resolution is a transition of its own.
    again.notify({ ...fired, state: 'resolved', resolvedAt: clock.now() }, 'resolved');
    await again.drain();
    expect(hook.received.map((r) => (JSON.parse(r.body) as { change: string }).change)).toEqual(['fired', 'resolved']);
    expect(smtp.messages).toHaveLength(2);
  });

  it('sends at once when the link is up, on its own timer', async () => {
    const hook = await webhookReceiver();
    const smtp = await smtpReceiver();
    const { n } = notifier(systemClock, hook.port, smtp.port);
    n.start();
    cleanups.push(() => n.stop());
    const arrived = hook.next();
    n.notify(alert(Date.now()), 'test');
    await arrived;
    expect(JSON.parse(hook.received[0]!.body)).toMatchObject({ change: 'test' });
    expect(n.channels).toEqual(['email', 'webhook']);
  });

  it('says which channel failed without the URL’s token', async () => {
    const clock = new FakeClock();
    const dir = tempDir('rvm-notify-');
    cleanups.push(() => dir.cleanup());
    const { db } = openStore(join(dir.dir, 'rvm.db'));
    cleanups.push(() => db.close());
    const config = ConfigSchema.parse({
      monitor: { alerts: { webhookUrl: 'http://127.0.0.1:9/hook?token=very-secret-token' } },
    });
    const repo = new NotificationRepo(db);
    const n = new AlertNotifier({ config, timeZone: 'UTC', repo, clock, logger });
    n.notify(alert(clock.now()), 'fired');
    await n.drain();
    const row = db.prepare('SELECT last_error AS error, attempts FROM alert_notifications').get() as {
      error: string;
      attempts: number;
    };
    expect(row).toEqual({ error: 'webhook at 127.0.0.1:9 unreachable', attempts: 1 });
  });
});
