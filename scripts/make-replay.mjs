// npm run replay:make -- <photo> [<photo> …] <folder>: a replay-camera folder from chamber photos, for
// trying the kiosk without a camera. Each photo becomes 8 frames of the item between 8 frames of the
// empty chamber (the photo blurred flat), so the presence gate can learn the empty chamber and see
// each item arrive and leave. Point vision.camera at it: {"kind": "replay", "folder": "<folder>", "fps": 10}.
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

const args = process.argv.slice(2);
if (args.length < 2 || args.includes('--help')) {
  console.log('usage: npm run replay:make -- <photo> [<photo> …] <folder>');
  process.exit(args.includes('--help') ? 0 : 2);
}
const folder = resolve(args.at(-1));
const photos = args.slice(0, -1).map((p) => resolve(p));
mkdirSync(folder, { recursive: true });
if (readdirSync(folder).length > 0) {
  console.error(`${folder} is not empty: give a new or empty folder (the replay plays every image in it)`);
  process.exit(2);
}
let n = 0;
const frame = () => join(folder, `${String(n++).padStart(4, '0')}.png`);
let empty;
for (const photo of photos) {
  let image;
  try {
    image = await sharp(photo).resize(1280, 720, { fit: 'cover' }).png().toBuffer();
  } catch (error) {
    console.error(`cannot read ${photo} as an image: ${error.message}`);
    process.exit(1);
  }
  empty = await sharp(image).blur(30).png().toBuffer();
  for (const [picture, count] of [
    [empty, 8],
    [image, 8],
  ]) {
    for (let i = 0; i < count; i++) await sharp(picture).toFile(frame());
  }
}
// The last item leaves the chamber.
for (let i = 0; i < 8; i++) await sharp(empty).toFile(frame());
console.log(`${n} frames in ${folder}: ${photos.length} item(s), each between empty-chamber frames`);
console.log(`vision.camera: {"kind": "replay", "folder": "${folder}", "fps": 10, "loop": true}`);
