import { statfsSync } from 'node:fs';

/** Space free to this process on the file system holding `path`, in MB; undefined when it cannot be read. */
export function freeMb(path: string): number | undefined {
  try {
    const s = statfsSync(path);
    return (s.bavail * s.bsize) / 2 ** 20;
  } catch {
    return undefined;
  }
}
