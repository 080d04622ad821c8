import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { registerEngine } from './engine-registration';
import type { MachineAddresses } from './network-address';
import { readPlatformState, updatePlatformState } from './platform-state';
import type { PlatformProfile, SelfUpdate } from './profile';
import type { CommandRunner } from './v1-commands';

/** Timezone sync (a profile that can): at connect and then daily. */
const TIMEZONE_SYNC_MS = 24 * 3600_000;

export interface UpkeepOptions {
  readonly profile: PlatformProfile;
  readonly config: Config;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** The machine's IANA zone (machineTimeZone). */
  readonly timezone: string;
  readonly addresses: () => MachineAddresses;
  /** Follows the operator's maintenance (v1); undefined where the profile has no commands. */
  readonly commands: CommandRunner | undefined;
}

/**
 * What the link keeps up besides heartbeats and deliveries, each where the profile can: the daily
 * timezone sync and engine registration (v2), the machine's address and zone when they change (v2
 * PATCH /rvm/self/update), and the operator's maintenance status (v1 handshake and /kiosk/config).
 * Each step fails alone: it is logged and tried again at the next heartbeat.
 */
export class Upkeep {
  #timezoneSyncedAt: number | null = null;
  #updating = false;

  constructor(private readonly o: UpkeepOptions) {}

  get timezoneSyncedAt(): number | null {
    return this.#timezoneSyncedAt;
  }

  /** Right after a connect (which synced the timezone, where the profile does). */
  afterConnect(): void {
    const { profile, config, dataDir, log } = this.o;
    if (profile.syncTimezone) this.#timezoneSyncedAt = this.o.clock.now();
    if (profile.registerEngine) void registerEngine({ register: profile.registerEngine, config, dataDir, log });
    if (profile.maintenancePolicy !== undefined && profile.maintenancePolicy !== null) {
      this.o.commands?.follow(profile.maintenancePolicy);
    }
    void this.#updateSelf();
  }

  /** After each heartbeat. */
  async afterHeartbeat(): Promise<void> {
    await this.#step('daily timezone sync', () => this.#dailyTimezoneSync());
    await this.#updateSelf();
    await this.#step('operator status', () => this.#followOperator());
  }

  /** The technician's "sync timezone now". */
  async syncTimezone(method: 'automatic' | 'manual'): Promise<number> {
    const sync = this.o.profile.syncTimezone;
    if (!sync) throw new Error('this platform has no timezone sync');
    await sync(method);
    this.#timezoneSyncedAt = this.o.clock.now();
    return this.#timezoneSyncedAt;
  }

  async #step(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.o.log.warn(`${what}: ${(error as Error).message}`);
    }
  }

  async #dailyTimezoneSync(): Promise<void> {
    if (!this.o.profile.syncTimezone || this.#timezoneSyncedAt === null) return;
    if (this.o.clock.now() - this.#timezoneSyncedAt < TIMEZONE_SYNC_MS) return;
    await this.syncTimezone('automatic');
  }

  /** Tells the platform what changed since it was last told (kept in <data>/platform-state.json). */
  async #updateSelf(): Promise<void> {
    const update = this.o.profile.updateSelf;
    if (!update || this.#updating) return;
    this.#updating = true;
    try {
      const now = { ipAddress: this.o.addresses().local, timezone: this.o.timezone };
      let last: { ipAddress: string | null; timezone: string } | undefined;
      try {
        last = readPlatformState(this.o.dataDir).selfUpdate;
      } catch (error) {
        this.o.log.warn(`${(error as Error).message}; the address and time zone are sent again`);
      }
      const changed: SelfUpdate = {
        ...(now.ipAddress && now.ipAddress !== last?.ipAddress ? { ipAddress: now.ipAddress } : {}),
        ...(now.timezone !== last?.timezone ? { timezone: now.timezone } : {}),
      };
      if (Object.keys(changed).length) {
        await update(changed);
        this.o.log.info(`told the platform: ${JSON.stringify(changed)}`);
      }
      if (last?.ipAddress !== now.ipAddress || last?.timezone !== now.timezone) {
        updatePlatformState(this.o.dataDir, { selfUpdate: now });
      }
    } catch (error) {
      this.o.log.warn(`address/time zone not updated on the platform: ${(error as Error).message}`);
    } finally {
      this.#updating = false;
    }
  }

  async #followOperator(): Promise<void> {
    const status = this.o.profile.operatorStatus;
    if (!status || !this.o.commands) return;
    const value = await status();
    if (value !== null) this.o.commands.follow(value === 'maintenance');
  }
}
