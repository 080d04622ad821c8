import type { LoadedConfig } from '../config/config.loader';
import type { BackupService } from '../backup/backup.service';
import type { DatasetModule } from '../dataset/dataset.module';
import type { DepositModule } from '../deposit/deposit.module';
import type { Hardware } from '../hardware/hardware';
import type { Clock } from '../kernel/clock';
import type { EventHub } from '../kernel/event-hub';
import type { HealthService } from '../kernel/health.service';
import type { Logger } from '../log/logger';
import type { MaintenanceAccess } from '../maintenance/maintenance-access';
import type { MonitorModule } from '../monitor/monitor.module';
import type { AlertNotifier } from '../notify/alert-notifier';
import type { SystemMetrics } from '../monitor/sampler';
import type { PayoutModule } from '../payout/payout.module';
import type { PlatformModule } from '../platform/platform.module';
import type { PrinterService } from '../printer/printer.service';
import type { SetupService } from '../setup/setup.service';
import type { StoreModule } from '../store/store.module';
import type { ModelUpdater } from '../vision/model-updater';
import type { VisionModule } from '../vision/vision.module';
import type { BarcodeLauncher } from '../vision/barcode-scanner';
import type { WorkerLauncher } from '../vision/worker-host';
import type { RuntimeInfo } from './app.handlers';
import type { Lifecycle } from './lifecycle';
import type { UpdateWindow } from './update-window';

export interface CoreDeps {
  /** The kiosk's data folder: database, machine secret, logs. */
  readonly dataDir: string;
  readonly loaded: LoadedConfig;
  readonly logger: Logger;
  readonly runtime: RuntimeInfo;
  readonly clock?: Clock;
  /** Defaults to the driver named in config (hardware.driver). */
  readonly hardware?: Hardware;
  /** How the inference worker starts; defaults to forking dist/main/inference-worker.js. */
  readonly visionLauncher?: WorkerLauncher;
  /** How the barcode worker starts; defaults to forking dist/main/barcode-worker.js. */
  readonly barcodeLauncher?: BarcodeLauncher;
  /** Restarts the whole kiosk (Electron relaunch, exit for the service manager, or a successor process); `why` is logged. */
  readonly restart?: (why: string) => void;
  /** Defaults to the printer named in config (printer.kind); tests give a virtual one. */
  readonly printer?: PrinterService;
  /** Replaces systeminformation in tests (fixed CPU, memory …). */
  readonly sampleSystem?: (dataDir: string) => Promise<SystemMetrics>;
}

/** The modules the root builds, as the wiring (wiring.ts, routes.ts) sees them. */
export interface CoreParts {
  readonly hub: EventHub;
  readonly health: HealthService;
  readonly store: StoreModule;
  readonly hardware: Hardware;
  readonly deposit: DepositModule;
  readonly payout: PayoutModule;
  readonly vision: VisionModule | undefined;
  /** Training data kept from customers' items; undefined with vision or the dataset off. */
  readonly dataset: DatasetModule | undefined;
  readonly platform: PlatformModule;
  readonly monitor: MonitorModule;
  /** Undefined without a store (the queue lives there). */
  readonly notifier: AlertNotifier | undefined;
  readonly maintenance: MaintenanceAccess;
  readonly backup: BackupService | undefined;
  readonly models: ModelUpdater | undefined;
  readonly setup: SetupService;
  readonly updates: UpdateWindow;
  readonly lifecycle: Lifecycle;
}
