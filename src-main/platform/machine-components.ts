/** What the platform's commands may do with the machine's parts (the hardware driver, as a port). */
export interface ComponentHardware {
  /** Exercises one part; resolves with what was seen, rejects with the fault. */
  test(part: 'door' | 'conveyor' | 'led' | 'sensors'): Promise<string>;
  binLevelPercent(): number;
  weightG(): number | null;
}

export const ACTUATOR_ACTIONS = ['open', 'close', 'trigger', 'reset'] as const;
export type ActuatorAction = (typeof ACTUATOR_ACTIONS)[number];

/** The machine's sensors and actuators by the names the v1 handshake reports in `hardware_info`. */
export interface MachineComponents {
  readonly sensors: Readonly<Record<string, () => Promise<string>>>;
  readonly actuators: Readonly<Record<string, (action: ActuatorAction) => Promise<string>>>;
}

/** The names the platform sees, for the handshake. */
export function componentNames(c: MachineComponents): { sensors: string[]; actuators: string[] } {
  return { sensors: Object.keys(c.sensors), actuators: Object.keys(c.actuators) };
}

/**
 * The hardware driver's parts under the names the platform uses. The driver offers a test cycle per
 * actuator, not open/close/reset of its own, so `trigger` (the cycle) is the one action it takes.
 */
export function hardwareComponents(hw: ComponentHardware): MachineComponents {
  const actuator =
    (part: 'door' | 'conveyor' | 'led') =>
    async (action: ActuatorAction): Promise<string> => {
      if (action !== 'trigger') {
        throw new Error(`${part} takes "trigger" only (the driver runs its test cycle), not "${action}"`);
      }
      return hw.test(part);
    };
  return {
    sensors: {
      bin_level: async () => `${Math.round(hw.binLevelPercent())} %`,
      chamber_sensors: () => hw.test('sensors'),
      scale: async () => {
        const grams = hw.weightG();
        if (grams === null) throw new Error('this machine has no scale');
        return `${grams} g`;
      },
    },
    actuators: { door: actuator('door'), conveyor: actuator('conveyor'), led: actuator('led') },
  };
}
