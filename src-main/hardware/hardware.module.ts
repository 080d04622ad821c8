import { existsSync } from 'node:fs';
import type { Config } from '../config/config.schema';
import type { Logger } from '../log/logger';
import { SimulatedHardware, type Hardware } from './hardware';
import { SerialHardware, serialPortOpener } from './serial.hardware';

/** The driver hardware.driver names: the simulated one, or the controller on hardware.serialPath. */
export function createHardware(config: Config['hardware'], logger: Logger): Hardware {
  if (config.driver === 'simulated') return new SimulatedHardware();
  return new SerialHardware(serialPortOpener(config.serialPath, config.baudRate), logger, {
    present: () => existsSync(config.serialPath),
  });
}
