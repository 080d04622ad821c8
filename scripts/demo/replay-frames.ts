import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

/**
 * A replay-camera folder from chamber photos, for trying the kiosk without a camera: each photo is 8
 * frames of the item between 8 frames of the empty chamber (the photo blurred flat), so the presence
 * gate learns the empty chamber and sees each item arrive and leave. Returns the number of frames.
 */
export async function makeReplay(photos: readonly string[], folder: string): Promise<number> {
  mkdirSync(folder, { recursive: true });
  if (readdirSync(folder).length > 0)
    throw new ReplayError(`${folder} is not empty: give a new or empty folder (the replay plays every image in it)`);
  let n = 0;
  const write = async (image: Buffer, count: number) => {
    for (let i = 0; i < count; i++) await sharp(image).toFile(join(folder, `${String(n++).padStart(4, '0')}.png`));
  };
  let empty: Buffer | undefined;
  for (const photo of photos) {
    let image: Buffer;
    try {
      image = await sharp(resolve(photo)).resize(1280, 720, { fit: 'cover' }).png().toBuffer();
    } catch (error) {
      throw new ReplayError(`cannot read ${photo} as an image: ${(error as Error).message}`);
    }
    empty = await sharp(image).blur(30).png().toBuffer();
    await write(empty, 8);
    await write(image, 8);
  }
  // The last item leaves the chamber.
  if (empty) await write(empty, 8);
  return n;
}

/** A problem with the photos or the folder, in words for the person who typed the command. */
export class ReplayError extends Error {}
