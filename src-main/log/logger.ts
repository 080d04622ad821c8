import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, parse } from 'node:path';
import electronLog from 'electron-log/node';

export interface Logger {
  error(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  debug(message: string, ...meta: unknown[]): void;
  /** A logger whose lines carry `[scope]`, e.g. 'remote' or 'config'. */
  scope(name: string): Logger;
}

export interface LoggerOptions {
  /** Folder for rvm-kiosk.log and its rotated archives; undefined logs to the console only. */
  readonly dir?: string;
  readonly level: 'error' | 'warn' | 'info' | 'verbose' | 'debug';
  readonly maxFileMb: number;
  /** Rotated files kept beside the live one. */
  readonly keepFiles?: number;
  readonly console?: boolean;
  /** Values that must never reach a log line (tokens, keys); replaced by [redacted]. */
  readonly secrets?: readonly string[];
}

let instances = 0;

/** electron-log with a rotating file and a console transport, shared by main and the headless server. */
export function createLogger(options: LoggerOptions): Logger {
  const log = electronLog.create({ logId: `rvm-${++instances}` });
  log.transports.console.level = options.console === false ? false : options.level;
  if (options.dir) {
    const dir = options.dir;
    log.transports.file.level = options.level;
    log.transports.file.maxSize = Math.round(options.maxFileMb * 1024 * 1024);
    log.transports.file.resolvePathFn = () => join(dir, 'rvm-kiosk.log');
    log.transports.file.archiveLogFn = (file) => rotate(file.path, options.keepFiles ?? 5);
  } else {
    log.transports.file.level = false;
  }
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  log.hooks.push((message) => ({ ...message, data: message.data.map((part) => redact(part, secrets)) }));
  return wrap(log);
}

type ElectronLogInstance = ReturnType<typeof electronLog.create>;
type LogFunctions = Pick<ElectronLogInstance, 'error' | 'warn' | 'info' | 'debug'> & {
  scope?: ElectronLogInstance['scope'];
};

function wrap(log: LogFunctions & { scope: ElectronLogInstance['scope'] }, scoped?: LogFunctions): Logger {
  const target = scoped ?? log;
  return {
    error: (m, ...meta) => target.error(m, ...meta),
    warn: (m, ...meta) => target.warn(m, ...meta),
    info: (m, ...meta) => target.info(m, ...meta),
    debug: (m, ...meta) => target.debug(m, ...meta),
    scope: (name) => wrap(log, log.scope(name)),
  };
}

const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

export function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let text = value.replace(BEARER, '$1[redacted]');
    for (const secret of secrets) text = text.split(secret).join('[redacted]');
    return text;
  }
  if (value instanceof Error) {
    const copy = new Error(redact(value.message, secrets) as string);
    copy.name = value.name;
    copy.stack = redact(value.stack ?? '', secrets) as string;
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    return redact(JSON.stringify(value), secrets);
  }
  return value;
}

/** rvm-kiosk.log → rvm-kiosk.1.log → … → rvm-kiosk.N.log (oldest dropped). */
function rotate(path: string, keep: number): void {
  const { dir, name, ext } = parse(path);
  const archive = (n: number) => join(dir, `${name}.${n}${ext}`);
  rmSync(archive(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    if (existsSync(archive(n))) renameSync(archive(n), archive(n + 1));
  }
  renameSync(path, archive(1));
}
