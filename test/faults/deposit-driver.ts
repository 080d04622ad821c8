// The kiosk core (KioskCore, real store file) depositing scripted items as fast as it can, printing
// "ACK <itemId> <points>" the moment the UI is told (after commit). The fault test SIGKILLs it.
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src-main/config/config.loader';
import { KioskCore } from '../../src-main/core/kiosk-core';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { createLogger } from '../../src-main/log/logger';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: deposit-driver <dataDir>');
const loaded = loadConfig(dataDir, {
  RVM_DEPOSIT__BARCODE_POINTS: '{"8991002101234": 25}',
  // Verdicts are scripted here; no camera.
  RVM_VISION__ENABLED: 'false',
  RVM_SETUP__ENABLED: 'false',
  // Offline caps apply (no platform link yet); high enough not to reject scripted items.
  RVM_DEPOSIT__OFFLINE_CAPS__SESSION_POINTS: '1000000',
  RVM_DEPOSIT__OFFLINE_CAPS__DAILY_POINTS: '1000000000',
});
const logger = createLogger({ dir: join(dataDir, 'logs'), level: 'warn', maxFileMb: 1, console: false });
const core = new KioskCore({
  dataDir,
  loaded,
  logger,
  runtime: { runtime: 'headless', electronVersion: null },
  hardware: new SimulatedHardware(1e9),
});
core.hub.subscribe('deposit.item', (payload) => {
  const item = payload as { itemId: string; points: number; accepted: boolean };
  if (item.accepted) writeSync(1, `ACK ${item.itemId} ${item.points}\n`);
});
core.start();
const service = core.deposit.service;
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
