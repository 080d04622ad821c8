import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ulid } from 'ulid';
import type { Logger } from '../log/logger';

/** A camera frame as the pipeline hands it over: packed RGB. */
export interface RgbImage {
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * The verdict frames under <data>/frames, uploaded with their item and deleted once delivered. Within
 * a budget (deposit.framesMaxMb): during a long outage the oldest go first (their items are delivered
 * with a plain stand-in picture), so frames never fill the disk that credits are written to.
 */
export class FrameStore {
  readonly #d: { dir: string; keep: boolean; maxMb: number; logger: Logger };
  readonly #log: Logger;
  #ready: Promise<void> | undefined;
  /** Bytes written since the folder was last measured, added to that measure: an upper bound. */
  #estimate = 0;

  constructor(deps: { dir: string; keep: boolean; maxMb: number; logger: Logger }) {
    this.#d = deps;
    this.#log = deps.logger.scope('deposit');
  }

  /** Saves the frame as JPEG; undefined when frames are not kept (no platform) or it could not be written. */
  async save(image: RgbImage): Promise<string | undefined> {
    if (!this.#d.keep) return undefined;
    try {
      this.#ready ??= mkdir(this.#d.dir, { recursive: true }).then(() => this.#measure());
      await this.#ready;
      const path = join(this.#d.dir, `${ulid()}.jpg`);
      const info = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
        .jpeg({ quality: 80 })
        .toFile(path);
      this.#estimate += info.size;
      if (this.#estimate > this.#d.maxMb * 2 ** 20) await this.#keepWithinBudget();
      return path;
    } catch (error) {
      // The credit matters more than the picture: the item is still counted.
      this.#ready = undefined;
      this.#log.warn(`verdict frame not saved: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Measures the folder (delivered frames are gone) and deletes the oldest beyond 90 % of the budget. */
  async #keepWithinBudget(): Promise<void> {
    const frames = await this.#list();
    let total = frames.reduce((sum, f) => sum + f.size, 0);
    const target = this.#d.maxMb * 2 ** 20 * 0.9;
    let removed = 0;
    for (const frame of frames) {
      if (total <= target) break;
      await rm(frame.path, { force: true });
      total -= frame.size;
      removed++;
    }
    this.#estimate = total;
    if (removed)
      this.#log.warn(
        `verdict frames over deposit.framesMaxMb (${this.#d.maxMb} MB): deleted the ${removed} oldest; their items upload with a stand-in picture`,
      );
  }

  async #measure(): Promise<void> {
    this.#estimate = (await this.#list()).reduce((sum, f) => sum + f.size, 0);
  }

  /** Frames oldest first (names are ULIDs: time order). */
  async #list(): Promise<Array<{ path: string; size: number }>> {
    const names = (await readdir(this.#d.dir)).filter((n) => n.endsWith('.jpg')).sort();
    const frames = await Promise.all(
      names.map(async (name) => {
        const path = join(this.#d.dir, name);
        const size = await stat(path).then(
          (s) => s.size,
          () => 0,
        );
        return { path, size };
      }),
    );
    return frames.filter((f) => f.size > 0);
  }
}
