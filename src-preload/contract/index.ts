import { appContract } from './app.contract';
import { depositContract } from './deposit.contract';
import { backupContract } from './backup.contract';
import { maintenanceContract } from './maintenance.contract';
import { monitorContract } from './monitor.contract';
import { platformContract } from './platform.contract';
import { visionContract } from './vision.contract';
import { setupContract } from './setup.contract';
import { payoutContract } from './payout.contract';
import { datasetContract } from './dataset.contract';
import { channelOf, type ContractApi } from './api';
import type { ContractDef } from './define';

export * from './result';
export * from './define';
export * from './api';
export * from './app.contract';
export * from './deposit.contract';
export * from './backup.contract';
export * from './maintenance.contract';
export * from './monitor.contract';
export * from './platform.contract';
export * from './vision.contract';
export * from './setup.contract';
export * from './payout.contract';
export * from './dataset.contract';

/**
 * The single source of truth for what the renderer may call and receive. Each feature is one
 * module; other features add their own `*.contract.ts` and a line here.
 */
export const contract = {
  app: appContract,
  deposit: depositContract,
  platform: platformContract,
  vision: visionContract,
  monitor: monitorContract,
  maintenance: maintenanceContract,
  backup: backupContract,
  setup: setupContract,
  payout: payoutContract,
  dataset: datasetContract,
} as const satisfies ContractDef;

export type Contract = typeof contract;
export type RvmApi = ContractApi<Contract>;

type ChannelsOf<C extends ContractDef, Kind extends 'call' | 'event'> = {
  [F in keyof C & string]: {
    [N in keyof C[F] & string]: C[F][N]['kind'] extends Kind ? `${F}.${N}` : never;
  }[keyof C[F] & string];
}[keyof C & string];
export type CallChannel = ChannelsOf<Contract, 'call'>;
export type EventChannel = ChannelsOf<Contract, 'event'>;

function listChannels(kind: 'call' | 'event'): readonly string[] {
  return Object.entries(contract).flatMap(([feature, defs]) =>
    Object.entries(defs)
      .filter(([, def]) => def.kind === kind)
      .map(([name]) => channelOf(feature, name)),
  );
}
/** Channel constants, derived so that they can never drift from the schemas. */
export const CALL_CHANNELS = listChannels('call') as readonly CallChannel[];
export const EVENT_CHANNELS = listChannels('event') as readonly EventChannel[];

/** Looks a channel up; undefined for anything not in the contract. */
export function findDef(channel: string) {
  const dot = channel.indexOf('.');
  if (dot < 0) return undefined;
  const [featureName, name] = [channel.slice(0, dot), channel.slice(dot + 1)];
  // Own properties only: "constructor.name" must not reach Object's prototype.
  if (!Object.hasOwn(contract, featureName)) return undefined;
  const feature = (contract as ContractDef)[featureName]!;
  return Object.hasOwn(feature, name) ? feature[name] : undefined;
}
export * from './wire';
