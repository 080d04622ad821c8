import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ExportTarget } from '../../src-preload/contract';
import { freeMb } from './free-space';

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
      if (free !== undefined) found.push({ path, freeMb: Math.round(free) });
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
