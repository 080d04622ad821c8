// npm run bench:store — how long an accepted item takes from verdict to "committed and told"
// (SQLite WAL, synchronous=FULL, item + session totals + outbox job in one transaction).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema } from '../../src-main/config/config.schema';
import { systemClock } from '../../src-main/kernel/clock';
import { EventHub } from '../../src-main/kernel/event-hub';
import { DepositService } from '../../src-main/deposit/deposit.service';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { createLogger } from '../../src-main/log/logger';
import { openStore } from '../../src-main/store/database';
import { OutboxRepo } from '../../src-main/store/outbox.repo';
import { SessionRepo } from '../../src-main/store/session.repo';

const ITEMS = Number(process.env.ITEMS ?? 5000);
const PER_SESSION = 20;
const dir = mkdtempSync(join(tmpdir(), 'rvm-bench-store-'));
const { db } = openStore(join(dir, 'rvm.db'));
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const hub = new EventHub(logger);
let told = 0;
hub.subscribe('deposit.item', () => told++);
const config = ConfigSchema.parse({ deposit: { offlineCaps: { sessionPoints: 1e9, dailyPoints: 1e9 } } });
const outbox = new OutboxRepo(db);
const service = new DepositService({
  sessions: new SessionRepo(db, outbox),
  hardware: new SimulatedHardware(1e9),
  hub,
  clock: systemClock,
  logger,
  deposit: config.deposit,
  binFullPercent: 100,
  platformOnline: () => false,
});
service.recover();

const verdict = {
  className: 'mineral',
  material: 'pet',
  confidence: 0.9,
  accepted: true,
  reason: null,
  box: [0, 0, 1, 1],
} as const;
const latencies: number[] = [];
const started = performance.now();
for (let i = 0; i < ITEMS; i++) {
  if (i % PER_SESSION === 0) {
    if (i > 0) {
      service.finish();
      service.done();
    }
    service.start();
    service.identify({ kind: 'guest' });
  }
  const t0 = performance.now();
  await service.acceptVerdict({ ...verdict, box: [0, 0, 1, 1] });
  latencies.push(performance.now() - t0);
  service.chamberCleared();
}
const elapsed = performance.now() - started;
service.finish();
service.stop();

latencies.sort((a, b) => a - b);
const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
console.log(
  `bench:store  node ${process.versions.node}  ${ITEMS} accepted items, ${PER_SESSION} per session, WAL synchronous=FULL`,
);
console.log(
  `  verdict -> committed + told: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${latencies.at(-1)!.toFixed(2)} ms`,
);
console.log(`  throughput: ${((ITEMS / elapsed) * 1000).toFixed(0)} items/s (${told} item events)`);
console.log(`  outbox rows: ${db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()}`);
db.close();
rmSync(dir, { recursive: true, force: true });
