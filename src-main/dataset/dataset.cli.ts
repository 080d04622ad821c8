import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, resolveDataDir } from '../config/config.loader';
import type { Logger } from '../log/logger';
import { DatasetStore } from './dataset.store';
import { modelClasses } from './model-classes';
import { exportYolo } from './yolo-export';

const USAGE = `usage: npm run dataset -- <command>
  stats                                   training samples kept on this machine: by review state, by class, disk used
  export <folder> [--include-unreviewed] [--val 0.2]
                                          an Ultralytics YOLO dataset (images/, labels/, data.yaml with the model's
                                          class names first) from the reviewed samples (and the unreviewed ones,
                                          labelled with the model's answer, with --include-unreviewed)
The data folder is RVM_DATA_DIR; the samples are in <data>/dataset. README: Bring your own chamber model.`;

type Out = (line: string) => void;

/** `npm run dataset -- …` (rvm-kiosk dataset …); resolves to the exit code. */
export function runDatasetCli(argv: readonly string[], out: Out, env: NodeJS.ProcessEnv = process.env): number {
  const [command, ...rest] = argv;
  if (command !== 'stats' && command !== 'export') {
    out(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const dataDir = resolveDataDir(env);
  const dir = join(dataDir, 'dataset');
  if (!existsSync(join(dir, 'dataset.db'))) {
    out(`no training data yet in ${dir}: the kiosk keeps a sample of each item it sees (vision.dataset.enabled)`);
    return 1;
  }
  let config;
  try {
    config = loadConfig(dataDir, env).config;
  } catch (error) {
    out(error instanceof ConfigError ? error.message : `cannot read the configuration: ${(error as Error).message}`);
    return 1;
  }
  const store = new DatasetStore(dir, config.vision.dataset.maxMb, quietLogger(out));
  try {
    if (command === 'stats') {
      const s = store.stats();
      out(`${s.samples} samples, ${(s.bytes / 1024 / 1024).toFixed(1)} MB of ${config.vision.dataset.maxMb} MB`);
      out(
        `  review: ${
          Object.entries(s.byLabel)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'none yet'
        }`,
      );
      out(
        `  labelled by class: ${
          Object.entries(s.byClass)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'none yet'
        }`,
      );
      return 0;
    }
    const folder = rest[0];
    const valArg = rest.includes('--val') ? Number(rest[rest.indexOf('--val') + 1]) : 0.2;
    if (!folder || folder.startsWith('--') || !(valArg >= 0 && valArg < 1)) {
      out('usage: npm run dataset -- export <folder> [--include-unreviewed] [--val 0.2]');
      return 2;
    }
    const result = exportYolo(store, resolve(folder), {
      classes: modelClasses(config, dataDir),
      includeUnreviewed: rest.includes('--include-unreviewed'),
      valFraction: valArg,
    });
    out(
      `exported ${result.images.train} training and ${result.images.val} validation images to ${result.folder} ` +
        `(${
          Object.entries(result.byClass)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'no labelled items'
        }; ${result.skipped} left out: unreviewed or bad)`,
    );
    return 0;
  } finally {
    store.close();
  }
}

function quietLogger(out: Out): Logger {
  const logger: Logger = {
    error: (m) => out(m),
    warn: (m) => out(m),
    info: () => undefined,
    debug: () => undefined,
    scope: () => logger,
  };
  return logger;
}

if (process.argv[1]?.endsWith('dataset-cli.js')) {
  process.exitCode = runDatasetCli(process.argv.slice(2), (line) => console.log(line));
}
