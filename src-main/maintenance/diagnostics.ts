import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  statfsSync,
} from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { ExportTarget } from '../../src-preload/contract';
import { writeFileAtomic } from '../fs/atomic-file';

/** Logs copied into a bundle, newest first, up to this much. */
const MAX_LOG_BYTES = 20 * 1024 * 1024;

/**
 * Folders a technician can export to: below the configured roots (where removable drives are
 * mounted), one or two levels down (/media/usb0, /media/<user>/<label>), writable.
 */
export function listExportTargets(roots: readonly string[]): ExportTarget[] {
  const found: ExportTarget[] = [];
  const visit = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const free = freeMb(path);
      if (free !== undefined) found.push({ path, freeMb: free });
      if (depth < 2) visit(path, depth + 1);
    }
  };
  for (const root of roots) visit(root, 1);
  return found;
}

/** The real folder `target`, when it lies below one of `roots`; else an explanation. */
export function checkTarget(target: string, roots: readonly string[]): string {
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new Error(`${target} does not exist; plug the drive in and pick it from the list`);
  }
  if (!statSync(real).isDirectory()) throw new Error(`${target} is not a folder`);
  const inside = roots.some((root) => {
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      return false;
    }
    const rel = relative(realRoot, real);
    return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
  });
  if (!inside) {
    throw new Error(`${target} is not below a removable-drive folder (maintenance.exportRoots: ${roots.join(', ')})`);
  }
  return real;
}

/**
 * Writes `files` (name → JSON value) and the newest logs into a new folder under `target`, built
 * under a hidden name and renamed when complete: a pulled drive never holds half a bundle under the real name.
 */
export function writeBundle(
  target: string,
  name: string,
  files: Record<string, unknown>,
  logDir: string,
): { path: string; files: string[]; bytes: number } {
  const final = join(target, name);
  if (existsSync(final)) throw new Error(`${final} already exists`);
  const temp = join(target, `.${name}.partial`);
  mkdirSync(join(temp, 'logs'), { recursive: true });
  const written: string[] = [];
  let bytes = 0;
  for (const [file, value] of Object.entries(files)) {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    writeFileAtomic(join(temp, file), text, 0o644);
    written.push(file);
    bytes += Buffer.byteLength(text);
  }
  for (const log of newestLogs(logDir)) {
    copyFileSync(log.path, join(temp, 'logs', basename(log.path)));
    written.push(`logs/${basename(log.path)}`);
    bytes += log.size;
  }
  renameSync(temp, final);
  return { path: final, files: written, bytes };
}

function newestLogs(dir: string): Array<{ path: string; size: number }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const logs = names
    .filter((n) => n.endsWith('.log'))
    .map((n) => {
      const s = statSync(join(dir, n));
      return { path: join(dir, n), size: s.size, mtime: s.mtimeMs };
    })
    .sort((a, b) => b.mtime - a.mtime);
  const out: Array<{ path: string; size: number }> = [];
  let total = 0;
  for (const log of logs) {
    if (total + log.size > MAX_LOG_BYTES && out.length) break;
    out.push(log);
    total += log.size;
  }
  return out;
}

function freeMb(path: string): number | undefined {
  try {
    const s = statfsSync(path);
    return Math.round((s.bavail * s.bsize) / 2 ** 20);
  } catch {
    return undefined;
  }
}
