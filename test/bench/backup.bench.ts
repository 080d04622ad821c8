// npm run bench:backup — backup (online backup API, gzip, AES-256-GCM, then the verifying test-restore)
// and restore (verify, safety backup, stage) of a database with 100k items (target: both < 10 s).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { BackupService } from '../../src-main/backup/backup.service';
import { ConfigSchema } from '../../src-main/config/config.schema';
import { systemClock } from '../../src-main/kernel/clock';
import { loadMachineSecret } from '../../src-main/store/machine-secret';
import { createLogger } from '../../src-main/log/logger';
import { openStore } from '../../src-main/store/database';
import { OutboxRepo } from '../../src-main/store/outbox.repo';
import { SessionRepo } from '../../src-main/store/session.repo';
import { tempDir } from '../support/test-core';

const ITEMS = Number(process.env.ITEMS ?? 100_000);
const PER_SESSION = 10;
const { dir, cleanup } = tempDir('rvm-bench-backup-');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

// A store with ITEMS accepted items in sessions of 10, each with its outbox job, as the kiosk writes them.
{
  const { db } = openStore(join(dir, 'rvm.db'));
  const outbox = new OutboxRepo(db);
  const sessions = new SessionRepo(db, outbox);
  const t0 = performance.now();
  let at = Date.UTC(2026, 0, 1);
  db.transaction(() => {
    for (let s = 0; s < ITEMS / PER_SESSION; s++) {
      const sessionId = ulid(at);
      sessions.open(sessionId, { kind: 'guest' }, at, false);
      for (let i = 0; i < PER_SESSION; i++) {
        sessions.addItem({
          id: ulid(at),
          sessionId,
          accepted: true,
          className: 'bottle',
          material: 'pet',
          confidence: 0.9,
          reason: null,
          points: 10,
          barcode: null,
          weightG: 21.5,
          at: (at += 1000),
          box: [100, 80, 300, 420],
        });
      }
      sessions.close({ sessionId, reason: 'finished', at, voucher: null });
    }
  })();
  db.close();
  console.log(
    `store: ${ITEMS} items in ${ITEMS / PER_SESSION} sessions, ${(statSync(join(dir, 'rvm.db')).size / 2 ** 20).toFixed(1)} MB (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

const service = new BackupService({
  dataDir: dir,
  config: ConfigSchema.parse({}).backup,
  machineSecret: loadMachineSecret(dir),
  appVersion: 'bench',
  clock: systemClock,
  logger,
});
let t = performance.now();
const made = (await service.create('database', 'bench'))!;
const backupS = (performance.now() - t) / 1000;
console.log(
  `backup: ${backupS.toFixed(2)} s including the verifying test-restore (target < 10 s); archive ${(made.sizeBytes / 2 ** 20).toFixed(1)} MB, ${made.verified?.ok ? 'verified' : `NOT verified: ${made.verified?.detail}`}`,
);
t = performance.now();
service.verify(made.id);
console.log(`verify alone: ${((performance.now() - t) / 1000).toFixed(2)} s`);
t = performance.now();
const checked = service.verify(made.id);
if (!checked.verified?.ok) throw new Error('the backup does not verify');
await service.create('database', 'safety copy before restore');
service.stageRestore(made.id);
const restoreS = (performance.now() - t) / 1000;
console.log(
  `restore: ${restoreS.toFixed(2)} s (verify, safety backup, stage; the swap at start is two renames) (target < 10 s)`,
);
cleanup();
