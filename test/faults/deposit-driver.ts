// A kiosk core that deposits scripted items as fast as it can, printing "ACK <itemId> <points>" the
// moment the UI would be told (after commit). The fault test SIGKILLs it at random moments.
import { writeSync } from 'node:fs';
import { ConfigSchema } from '../../src-main/config/config.schema';
import { systemClock } from '../../src-main/core/clock';
import { EventHub } from '../../src-main/core/event-hub';
import { createDepositModule } from '../../src-main/deposit/deposit.module';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { createLogger } from '../../src-main/log/logger';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: deposit-driver <dataDir>');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const hub = new EventHub(logger);
hub.subscribe('deposit.item', (payload) => {
  const item = payload as { itemId: string; points: number; accepted: boolean };
  if (item.accepted) writeSync(1, `ACK ${item.itemId} ${item.points}\n`);
});
const config = ConfigSchema.parse({ deposit: { barcodePoints: { '8991002101234': 25 } } });
const deposit = createDepositModule({
  dataDir,
  config,
  hub,
  clock: systemClock,
  logger,
  hardware: new SimulatedHardware(1e9),
  platformOnline: () => true,
});
const service = deposit.service;
if (!service) throw new Error('store unavailable');
writeSync(1, 'READY\n');

const materials = ['pet', 'aluminium'] as const;
for (let n = 0; ; n++) {
  service.start();
  service.identify({ kind: n % 3 === 0 ? 'voucher' : 'guest' });
  for (let i = 0; i < 4; i++) {
    const rejected = i === 3;
    await service.acceptVerdict({
      className: rejected ? 'hand' : 'mineral',
      material: rejected ? null : materials[i % 2]!,
      confidence: 0.9,
      accepted: !rejected,
      reason: rejected ? 'reject_class' : null,
      box: [0, 0, 10, 10],
      barcode: i === 1 ? '8991002101234' : null,
    });
    service.chamberCleared();
  }
  service.finish();
  service.done();
  await new Promise((resolve) => setImmediate(resolve));
}
