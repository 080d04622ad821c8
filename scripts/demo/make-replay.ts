// npm run replay:make -- <photo> [<photo> …] <folder>: a replay-camera folder from chamber photos.
// Point vision.camera at it: {"kind": "replay", "folder": "<folder>", "fps": 10, "loop": true}.
import { resolve } from 'node:path';
import { makeReplay, ReplayError } from './replay-frames';

const args = process.argv.slice(2);
if (args.length < 2 || args.includes('--help')) {
  console.log('usage: npm run replay:make -- <photo> [<photo> …] <folder>');
  process.exit(args.includes('--help') ? 0 : 2);
}
const folder = resolve(args.at(-1)!);
try {
  const frames = await makeReplay(args.slice(0, -1), folder);
  console.log(`${frames} frames in ${folder}: ${args.length - 1} item(s), each between empty-chamber frames`);
  console.log(`vision.camera: {"kind": "replay", "folder": "${folder}", "fps": 10, "loop": true}`);
} catch (error) {
  if (!(error instanceof ReplayError)) throw error;
  console.error(error.message);
  process.exit(2);
}
