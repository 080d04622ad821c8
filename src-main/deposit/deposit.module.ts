import { join } from 'node:path';
import type { DEMO_ITEMS, ItemVerdict } from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import { freeMb } from '../fs/free-space';
import type { Clock } from '../kernel/clock';
import type { Handlers } from '../kernel/contract-types';
import type { EventHub } from '../kernel/event-hub';
import type { HealthProbe } from '../kernel/health.service';
import { AppFailure } from '../kernel/router';
import type { Hardware, HardwareHealth } from '../hardware/hardware';
import type { Logger } from '../log/logger';
import type { Repos } from '../store/store.module';
import type { NewVoucher } from '../store/voucher.repo';
import { DepositService } from './deposit.service';
import { FrameStore } from './frame-store';
import { pointValueOf } from './pricing';
import { VerdictIntake } from './verdict-intake';

export interface DepositModuleDeps {
  readonly dataDir: string;
  readonly config: Config;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The store's repositories; undefined when it could not be opened (`storeFailure` says why). */
  readonly repos: Repos | undefined;
  readonly storeFailure?: string;
  readonly hardware: Hardware;
  readonly platformOnline: () => boolean;
  /** Signs a closing voucher session's voucher (payout); undefined: no vouchers. */
  readonly issueVoucher: ((points: number, at: number) => NewVoucher | null) | undefined;
  readonly moneyOf: (points: number) => { amount: number; currency: string } | null;
}

export interface DepositModule {
  /** Undefined when the store could not be opened: the kiosk is out of service. */
  readonly service: DepositService | undefined;
  /** Where vision hands its verdicts: counted inside an open session, with the frame kept for upload. */
  readonly intake: VerdictIntake;
  readonly handlers: Handlers['deposit'];
  readonly probe: HealthProbe;
  /** The deposit flow as the member QR login sees it (undefined with a broken store). */
  readonly qrTarget:
    | {
        identifying(): boolean;
        show(qr: Parameters<DepositService['showQr']>[0]): void;
        identify(member: { memberId: string; name?: string }, platformSession: string | null): void;
      }
    | undefined;
  stop(): void;
}

/** The deposit flow on the store and the hardware; a broken store leaves the kiosk answering, out of service. */
export function createDepositModule(deps: DepositModuleDeps): DepositModule {
  const { repos, hardware } = deps;
  const failure = deps.storeFailure ?? 'the store did not open';
  let service: DepositService | undefined;
  let unsubscribe = () => {};
  if (repos) {
    const deposit = new DepositService({
      sessions: repos.sessions,
      hardware,
      hub: deps.hub,
      clock: deps.clock,
      logger: deps.logger,
      deposit: deps.config.deposit,
      binFullPercent: deps.config.hardware.binFullPercent,
      ...(deps.issueVoucher ? { issueVoucher: deps.issueVoucher } : {}),
      moneyOf: deps.moneyOf,
      platformOnline: deps.platformOnline,
      platformLinked: deps.config.platform.profile !== 'none',
      // Unreadable free space is not a reason to stop.
      freeMb: () => freeMb(deps.dataDir) ?? Infinity,
    });
    deposit.recover();
    // The controller's health is the 'hardware' out-of-service reason: set on a fault, cleared when it reports healthy.
    const onHealth = (h: HardwareHealth) => deposit.setOutOfService('hardware', h.ok ? null : h.reason);
    unsubscribe = hardware.onHealth(onHealth);
    onHealth(hardware.health());
    service = deposit;
  }
  const use = (): DepositService => {
    if (!service) throw new AppFailure('OUT_OF_SERVICE', `the local store is unavailable: ${failure}`);
    return service;
  };
  const frames = new FrameStore({
    dir: join(deps.dataDir, 'frames'),
    // Frames are kept only for a platform to receive them.
    keep: deps.config.platform.profile !== 'none',
    maxMb: deps.config.deposit.framesMaxMb,
    logger: deps.logger,
  });
  return {
    service,
    intake: new VerdictIntake({ service: () => service, frames, logger: deps.logger }),
    qrTarget: service && {
      identifying: () => service.snapshot().state === 'identifying',
      show: (qr) => service.showQr(qr),
      identify: (member, platformSession) => void service.identifyMember(member, platformSession),
    },
    handlers: {
      state: () => use().snapshot(),
      catalogue: () => ({
        materials: Object.entries(deps.config.deposit.materials).map(([material, m]) => ({
          material,
          points: m.points,
        })),
        pointValue: pointValueOf(deps.config),
        demoItems: deps.config.deposit.demoItems,
        receiptPrinter: deps.config.printer.kind !== 'none',
        intake: deps.config.vision.enabled ? 'camera' : deps.config.deposit.demoItems ? 'demo' : 'none',
        donationRecipient: deps.config.deposit.donationRecipient ?? null,
      }),
      demoItem: async ({ kind }) => {
        if (!deps.config.deposit.demoItems)
          throw new AppFailure('FORBIDDEN', 'simulated items are for the demo only (deposit.demoItems is off)');
        const result = await use().acceptVerdict(demoVerdict(kind));
        use().chamberCleared(); // no camera to see the chamber empty: the next item may count
        return result;
      },
      start: () => use().start(),
      identify: (identity) => use().identify(identity),
      finish: () => use().finish(),
      cancel: () => use().cancel(),
      done: () => use().done(),
    },
    probe: () => {
      if (!service) return { status: 'out_of_service', detail: `store: ${failure}` };
      const reasons = service.snapshot().outOfService;
      return reasons.length
        ? { status: 'out_of_service', detail: reasons.map((r) => r.detail).join('; ') }
        : { status: 'ok', detail: 'accepting items' };
    },
    stop() {
      unsubscribe();
      service?.stop();
    },
  };
}

/** What the camera would have concluded about a simulated item (demo mode). */
function demoVerdict(kind: (typeof DEMO_ITEMS)[number]): ItemVerdict {
  const box: ItemVerdict['box'] = [400, 200, 880, 520];
  if (kind === 'other')
    return { className: 'demo_other', material: null, confidence: 0.9, accepted: false, reason: 'unknown_item', box };
  const material = kind === 'bottle' ? 'pet' : 'aluminium';
  return { className: `demo_${kind}`, material, confidence: 0.95, accepted: true, reason: null, box };
}
