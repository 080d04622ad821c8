import { createHmac } from 'node:crypto';
import ky, { isHTTPError, isTimeoutError } from 'ky';
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.schema';

const TIMEOUT_MS = 10_000;

/** One attempt to deliver a notification; rejects with a message safe to log (no URL token, no password). */
export type Send = (message: AlertMessage) => Promise<void>;

export interface AlertMessage {
  /** Unique per channel and alert transition: the receiver can drop a repeat (X-RVM-Delivery). */
  readonly key: string;
  readonly body: Record<string, unknown>;
  readonly subject: string;
  readonly text: string;
}

/**
 * POSTs the JSON body; with a secret, `X-RVM-Signature: sha256=<hex HMAC of the exact body>`. One try:
 * the notifier retries with back-off. Any 2xx is delivered.
 */
export function webhookSender(url: string, secret: string | undefined): Send {
  const host = new URL(url).host;
  return async (message) => {
    const body = JSON.stringify(message.body);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-RVM-Delivery': message.key };
    if (secret) headers['X-RVM-Signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    try {
      await ky.post(url, { body, headers, timeout: TIMEOUT_MS, retry: 0 });
    } catch (error) {
      // The URL may carry a token and ky's messages quote it: name only the host and what happened.
      const why = isHTTPError(error)
        ? `answered ${error.response.status}`
        : isTimeoutError(error)
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : 'unreachable';
      throw new Error(`webhook at ${host} ${why}`, { cause: error });
    }
  };
}

/** Sends through the operator's mail server (nodemailer; TLS required unless configured otherwise). */
export function emailSender(email: NonNullable<Config['monitor']['alerts']['email']>): Send {
  const transport = nodemailer.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure,
    requireTLS: email.requireTls && !email.secure,
    ...(email.user ? { auth: { user: email.user, pass: email.password ?? '' } } : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    // nodemailer logs nothing unless asked; credentials never reach a log line.
    logger: false,
  });
  return async (message) => {
    try {
      await transport.sendMail({
        from: email.from,
        to: email.to.join(', '),
        subject: message.subject,
        text: message.text,
        headers: { 'X-RVM-Delivery': message.key },
      });
    } catch (error) {
      const e = error as { code?: string; responseCode?: number; message?: string };
      const why = e.responseCode ? `answered ${e.responseCode}` : (e.code ?? 'failed');
      throw new Error(`mail server ${email.host}:${email.port} ${why}`, { cause: error });
    }
  };
}
