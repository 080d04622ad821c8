/** The machine's moving parts and sensors, behind one interface (simulated or a real controller). */
export interface Hardware {
  /** Take the item in: open the door / run the conveyor / compact. Rejects on a fault. */
  acceptItem(): Promise<void>;
  /** Hand the item back to the customer. Rejects on a fault. */
  returnItem(): Promise<void>;
  /** Bin fill level in percent (0–100), as last reported. */
  binLevelPercent(): number;
  /** Weight on the chamber scale in grams, as last reported; null without a scale. */
  weightG(): number | null;
  /** After a technician empties the bin. */
  resetBin(): Promise<void>;
  /** Maintenance: exercises one part; resolves with what was seen, rejects with the fault. */
  test(part: HardwarePart): Promise<string>;
  /** Whether the machine can take items now; a fault clears itself when the controller reports healthy. */
  health(): HardwareHealth;
  /** Called on every change of health; returns the unsubscribe. */
  onHealth(listener: (health: HardwareHealth) => void): () => void;
  close(): void;
}

export type HardwareHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export type HardwarePart = 'door' | 'conveyor' | 'led' | 'sensors';

/** The default driver: counts items into a virtual bin of `capacity` items; no scale. */
export class SimulatedHardware implements Hardware {
  #items = 0;
  readonly accepted: number[] = [];
  readonly returned: number[] = [];

  constructor(private readonly capacity = 400) {}

  async acceptItem(): Promise<void> {
    this.#items++;
    this.accepted.push(Date.now());
  }

  async returnItem(): Promise<void> {
    this.returned.push(Date.now());
  }

  binLevelPercent(): number {
    return Math.min(100, (this.#items / this.capacity) * 100);
  }

  weightG(): number | null {
    return null;
  }

  async resetBin(): Promise<void> {
    this.#items = 0;
  }

  async test(part: HardwarePart): Promise<string> {
    return part === 'sensors'
      ? `simulated: bin ${this.binLevelPercent().toFixed(0)} %, no scale`
      : `simulated: no ${part} to move (hardware.driver is "simulated")`;
  }

  health(): HardwareHealth {
    return { ok: true };
  }

  onHealth(): () => void {
    return () => undefined;
  }

  close(): void {}
}
