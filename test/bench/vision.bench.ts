// npm run bench:vision — the vision targets of the issue, measured on this machine:
//  1. raw session.run per frame on a ready tensor, both detection models;
//  2. the worker's whole per-frame cost (RGB → tensor, run, decode, NMS) and its ratio to raw;
//  3. end to end from a 720p MJPEG file through ffmpeg → queue → gate → worker → verdict:
//     items/s, frame→verdict latency (p50/p95), dropped frames, CPU share of ffmpeg, worker and main,
//     main event-loop lag p99, worker RSS at start and end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ConfigSchema } from '../../src-main/config/config.schema';
import { FfmpegCamera } from '../../src-main/camera/ffmpeg.camera';
import { systemClock } from '../../src-main/kernel/clock';
import { createLogger } from '../../src-main/log/logger';
import { Detector } from '../../src-main/vision/detector';
import { InferenceSupervisor } from '../../src-main/vision/inference.supervisor';
import { hwcToChw, letterboxRgb } from '../../src-main/image/letterbox';
import { ManifestSchema } from '../../src-main/vision/model-manifest';
import { PreviewStream } from '../../src-main/vision/preview-stream';
import { VisionPipeline } from '../../src-main/vision/vision.pipeline';
import { forkLauncher } from '../../src-main/vision/worker-host';
import { bundleForNode } from '../support/bundle.mjs';

const SHARED = resolve('..', 'shared');
const MODELS = ['yolov8n-det-int8-320.onnx', 'yolov8n-det-int8-640.onnx'];
const CHAMBER = join(SHARED, 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
// The COCO fixture models barely see chamber bottles at 320, so the end-to-end "item" is bus.jpg
// (a multiple-items verdict): what is measured is the pipeline, not the model's taste.
const ITEM = join(SHARED, 'images', 'coco', 'bus.jpg');
const E2E_THREADS = Number(process.env.E2E_THREADS ?? ConfigSchema.parse({}).vision.threads);
const RUNS = Number(process.env.RUNS ?? 40);
const E2E_SECONDS = Number(process.env.E2E_SECONDS ?? 20);
/** How long an item stays in (and the chamber then stays empty): 0.25 s is 2 items a second. */
const ITEM_S = Number(process.env.ITEM_S ?? 0.25);
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

console.log(`bench:vision  node ${process.versions.node}, ${RUNS} frames per measure, 1 onnxruntime thread per worker`);
for (const file of MODELS) {
  // As shipped (ConvInteger) and dequantised to float; the worker runs what `auto` picks at load.
  const picked = await Detector.load(join(SHARED, 'models', file), { conf: 0.25, iou: 0.45, threads: 1 });
  console.log(`  ${file}: auto picks the ${picked.choice.graph} graph (${picked.choice.detail})`);
  await picked.release();
  for (const integerConvs of ['keep', 'float'] as const) {
    const detector = await Detector.load(join(SHARED, 'models', file), {
      conf: 0.25,
      iou: 0.45,
      threads: 1,
      integerConvs,
    });
    const size = detector.info.imgsz;
    const { rgb, letterbox } = await letterboxRgb(CHAMBER, size);
    const ready = hwcToChw(rgb, size[1], size[0]);
    for (let i = 0; i < 5; i++) await detector.run(ready);
    const raw: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await detector.run(ready);
      raw.push(performance.now() - t);
      t = performance.now();
      await detector.detect(hwcToChw(rgb, size[1], size[0]), letterbox);
      whole.push(performance.now() - t);
    }
    const r = stats(raw);
    const w = stats(whole);
    console.log(
      `    ${detector.choice.graph.padEnd(11)} raw session.run p50 ${ms(r.p50)} (p95 ${ms(r.p95)}); ` +
        `worker per-frame p50 ${ms(w.p50)} (p95 ${ms(w.p95)}); ratio ${(w.p50 / r.p50).toFixed(3)}`,
    );
    await detector.release();
  }
}

// End to end on the 320 model: a 720p MJPEG recording alternating an empty chamber and an item.
const dir = mkdtempSync(join(tmpdir(), 'rvm-bench-vision-'));
const empty = join(dir, 'empty.png');
execFileSync('ffmpeg', ['-v', 'error', '-i', CHAMBER, '-vf', 'gblur=sigma=30,scale=1280:720', empty]);
const item = join(dir, 'item.png');
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-i',
  ITEM,
  '-vf',
  'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:0',
  item,
]);
const list = Array.from(
  { length: Math.round(E2E_SECONDS / ITEM_S) },
  (_, i) => `file '${i % 2 ? item : empty}'\nduration ${ITEM_S}\n`,
).join('');
writeFileSync(join(dir, 'list.txt'), `${list}file '${empty}'\n`);
const video = join(dir, 'chamber-720p.mkv');
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-f',
  'concat',
  '-safe',
  '0',
  '-i',
  join(dir, 'list.txt'),
  // A real 30 fps stream: `-r 30` alone stores 2 frames/s (one per still) and ffmpeg's reader then
  // emits the duplicates in bursts of 15, which is no camera's behaviour.
  '-vf',
  'fps=30',
  '-c:v',
  'mjpeg',
  '-q:v',
  '3',
  video,
]);

const bundle = await bundleForNode('src-main/vision/inference-worker.ts');
const model = join(SHARED, 'models', MODELS[0]!);
const supervisor = new InferenceSupervisor({
  launch: forkLauncher(bundle),
  load: { model, conf: 0.4, iou: 0.45, threads: E2E_THREADS },
  clock: systemClock,
  logger,
});
await supervisor.start();
const workerPid = supervisor.workerPid!;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const rssStart = rssMb(workerPid);
{
  // The round trip main → worker → main against the worker's own session.run, frame by frame, as the
  // camera path sends them (raw RGB at the model size, structured-cloned to the worker).
  const { rgb, letterbox } = await letterboxRgb(CHAMBER, supervisor.info!.imgsz);
  const trips: number[] = [];
  const runs: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < RUNS + 5; i++) {
    const t = performance.now();
    const result = await supervisor.detect({ kind: 'rgb', data: rgb, letterbox });
    if (i < 5) continue;
    trips.push(performance.now() - t);
    runs.push(result.workerMs!.run);
    totals.push(result.workerMs!.total);
  }
  const [trip, run, total] = [stats(trips), stats(runs), stats(totals)];
  console.log(
    `  round trip (320, ${E2E_THREADS} threads, one frame at a time): p50 ${ms(trip.p50)} against the worker's session.run p50 ${ms(run.p50)} ` +
      `→ ${(trip.p50 / run.p50).toFixed(3)}× raw (worker's whole frame p50 ${ms(total.p50)})`,
  );
}
const manifest = { ...ManifestSchema.parse({ model, detectConfidence: 0.3, classes: {} }), modelPath: model };
const camera = new FfmpegCamera({ source: { kind: 'stream', url: video }, size: supervisor.info!.imgsz, logger });
const latencies: number[] = [];
const lag = monitorEventLoopDelay({ resolution: 10 });
// The customer's live view runs too, as it does during a session (≤ 12 JPEG frames/s to the screen).
const previews: Array<{ at: number; bytes: number; boxes: number }> = [];
const cameraFrames: number[] = [];
const previewErrors: string[] = [];
const preview = new PreviewStream({
  fps: 12,
  quality: 70,
  clock: systemClock,
  active: () => true,
  onError: (e) => previewErrors.push(e.message),
  publish: (f) => previews.push({ at: performance.now(), bytes: (f.jpeg.length * 3) / 4, boxes: f.detections.length }),
});
const pipeline = new VisionPipeline({
  camera,
  supervisor,
  manifest,
  logger,
  onVerdict: (_v, latency) => latencies.push(latency),
  onChamberEmpty: () => undefined,
  onFrame: (frame) => {
    cameraFrames.push(performance.now());
    preview.frame(frame);
  },
  onDetections: (list) => preview.detections(list),
});
pipeline.start();
// Let ffmpeg start, then measure a steady window.
await new Promise((r) => setTimeout(r, 1500));
const ffmpegPid = camera.pid!;
const [w0, f0, m0, t0] = [cpuTicks(workerPid), cpuTicks(ffmpegPid), process.cpuUsage(), performance.now()];
const detections0 = supervisor.metrics().detectionsPerSecond;
const seen0 = latencies.length;
lag.enable();
await new Promise((r) => setTimeout(r, (E2E_SECONDS - 4) * 1000));
lag.disable();
const seconds = (performance.now() - t0) / 1000;
const [w1, f1, m1] = [cpuTicks(workerPid), cpuTicks(ffmpegPid), process.cpuUsage(m0)];
const share = (ticks: number) => `${((ticks / 100 / seconds) * 100).toFixed(0)}%`;
const verdicts = latencies.length - seen0;
console.log(
  `  end to end (320, ${E2E_THREADS} threads, 720p MJPEG at 30 fps, ${seconds.toFixed(1)} s window, item in/out every ${ITEM_S} s):`,
);
if (verdicts > 0) {
  const l = stats(latencies.slice(seen0));
  console.log(
    `    verdicts ${verdicts} → ${(verdicts / seconds).toFixed(2)} items/s; first-seen→verdict p50 ${ms(l.p50)}, p95 ${ms(l.p95)}`,
  );
} else console.log('    no verdicts in the window');
const vm = supervisor.metrics();
console.log(
  `    detect round trip (main → worker → main) EMA ${ms(vm.inferenceMsEma ?? NaN)}, p95 ${ms(vm.inferenceMsP95 ?? NaN)}`,
);
console.log(
  `    detections/s ${supervisor.metrics().detectionsPerSecond.toFixed(1)} (at start ${detections0.toFixed(1)}); dropped frames ${pipeline.droppedFrames}`,
);
console.log(
  `    CPU (of one core): ffmpeg ${share(f1 - f0)}, worker ${share(w1 - w0)}, main ${((m1.user + m1.system) / 1e4 / seconds).toFixed(0)}%`,
);
console.log(
  `    main event-loop lag p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms; worker RSS ${rssStart.toFixed(0)} MB → ${rssMb(workerPid).toFixed(0)} MB`,
);
const shown = previews.filter((p) => p.at >= t0);
console.log(
  `    live view: ${(shown.length / seconds).toFixed(1)} frames/s to the screen, ${(
    shown.reduce((n, p) => n + p.bytes, 0) /
    Math.max(1, shown.length) /
    1024
  ).toFixed(1)} KB each, ${shown.filter((p) => p.boxes > 0).length} with boxes (camera delivered ${(
    cameraFrames.filter((at) => at >= t0).length / seconds
  ).toFixed(1)} frames/s)`,
);
if (previewErrors.length) console.log(`    live view errors: ${previewErrors.length} (${previewErrors[0]})`);
pipeline.stop();
supervisor.stop();
rmSync(dir, { recursive: true, force: true });
