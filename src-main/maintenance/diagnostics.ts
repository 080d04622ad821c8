import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';

/** Logs copied into a bundle, newest first, up to this much. */
const MAX_LOG_BYTES = 20 * 1024 * 1024;

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
