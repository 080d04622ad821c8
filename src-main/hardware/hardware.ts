/** The machine's moving parts and sensors, behind one interface (simulated or a real controller). */
export interface Hardware {
  /** Take the item in: open the door / run the conveyor / compact. */
  acceptItem(): Promise<void>;
  /** Hand the item back to the customer. */
  returnItem(): Promise<void>;
  /** Bin fill level in percent (0–100). */
  binLevelPercent(): number;
  /** After a technician empties the bin. */
  resetBin(): void;
}

/** The default driver: counts items into a virtual bin of `capacity` items. */
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

  resetBin(): void {
    this.#items = 0;
  }
}
