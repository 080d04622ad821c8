import { existsSync } from 'node:fs';
import type { Config } from '../config/config.schema';
import type { Logger } from '../log/logger';
import { Esp32Hardware } from './esp32.hardware';
import { SimulatedHardware, type Hardware } from './hardware';
import { SerialHardware, serialPortOpener } from './serial.hardware';

/**
 * The driver hardware.driver names: the simulated one, the controller speaking protocol 1, or the
 * ecosystem's ESP32 firmware (rvm_app_esp32), both on hardware.serialPath.
 */
export function createHardware(config: Config['hardware'], logger: Logger): Hardware {
  if (config.driver === 'simulated') return new SimulatedHardware();
  const open = serialPortOpener(config.serialPath, config.baudRate);
  const present = () => existsSync(config.serialPath);
  if (config.driver === 'esp32') return new Esp32Hardware(open, logger, { present });
  return new SerialHardware(open, logger, { present });
}
