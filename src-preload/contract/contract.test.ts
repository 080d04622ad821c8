import { describe, expect, it } from 'vitest';
import { buildApi, CALL_CHANNELS, contract, EVENT_CHANNELS, findDef, type ClientTransport } from './index';

describe('contract', () => {
  it('derives channel names from the schemas', () => {
    expect([...CALL_CHANNELS].sort()).toEqual([
      'app.configView',
      'app.health',
      'app.info',
      'backup.copyToDrive',
      'backup.create',
      'backup.list',
      'backup.restore',
      'backup.verify',
      'dataset.export',
      'dataset.image',
      'dataset.label',
      'dataset.samples',
      'dataset.stats',
      'deposit.cancel',
      'deposit.catalogue',
      'deposit.demoItem',
      'deposit.done',
      'deposit.finish',
      'deposit.identify',
      'deposit.start',
      'deposit.state',
      'maintenance.audit',
      'maintenance.exportDiagnostics',
      'maintenance.exportTargets',
      'maintenance.lock',
      'maintenance.logs',
      'maintenance.machineStatus',
      'maintenance.pad',
      'maintenance.reloadUi',
      'maintenance.resetBin',
      'maintenance.resolveForeignStore',
      'maintenance.restartCamera',
      'maintenance.restartWorker',
      'maintenance.rollbackModel',
      'maintenance.session',
      'maintenance.setMachineStatus',
      'maintenance.storeOwner',
      'maintenance.testHardware',
      'maintenance.touch',
      'maintenance.unlock',
      'monitor.acknowledge',
      'monitor.alerts',
      'monitor.current',
      'monitor.history',
      'monitor.testAlert',
      'payout.exportVouchers',
      'payout.printReceipt',
      'payout.printer',
      'payout.publicKey',
      'payout.reprint',
      'payout.testPage',
      'payout.vouchers',
      'platform.discard',
      'platform.quarantine',
      'platform.retry',
      'platform.status',
      'platform.syncTimezone',
      'platform.technicianCommand',
      'setup.complete',
      'setup.options',
      'setup.status',
      'setup.testConnection',
      'setup.unlock',
    ]);
    expect([...EVENT_CHANNELS].sort()).toEqual([
      'app.heartbeat',
      'deposit.item',
      'deposit.session',
      'maintenance.changed',
      'maintenance.reload',
      'monitor.alert',
      'monitor.sample',
      'payout.print',
      'payout.printerChanged',
      'platform.changed',
      'vision.preview',
    ]);
    expect(findDef('app.info')?.kind).toBe('call');
    // Technicians' calls say which permission they need; only actions are audited.
    expect(findDef('platform.discard')).toMatchObject({ access: { permission: 'update_config', audited: true } });
    expect(findDef('monitor.history')).toMatchObject({ access: { permission: 'view_status', audited: false } });
    expect(findDef('maintenance.unlock')).not.toHaveProperty('access');
    for (const bogus of ['app', 'app.', '.info', 'app.toString', 'constructor.name', 'app.info.x']) {
      expect(findDef(bogus), bogus).toBeUndefined();
    }
  });

  it('builds a typed API whose answers are checked against the contract', async () => {
    const answers: Record<string, unknown> = {
      'app.health': { ok: true, value: { status: 'sideways' } },
      'app.configView': { ok: false, error: { code: 'UNAVAILABLE', message: 'later' } },
    };
    const transport: ClientTransport = {
      invoke: async (channel) => {
        if (channel === 'app.info') throw new Error('socket closed');
        return answers[channel];
      },
      subscribe: () => () => undefined,
    };
    const api = buildApi(contract, transport);
    expect(await api.app.health()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(await api.app.configView()).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: 'later' } });
    expect(await api.app.info()).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: /socket closed/ } });
  });

  it('drops event payloads that do not match their schema', () => {
    let emit: (payload: unknown) => void = () => undefined;
    const api = buildApi(contract, {
      invoke: async () => undefined,
      subscribe: (_channel, listener) => ((emit = listener), () => undefined),
    });
    const seen: number[] = [];
    api.app.onHeartbeat((beat) => seen.push(beat.seq));
    emit({ seq: 'one' });
    emit({ seq: 3, at: 'now', status: 'ok', reasons: [], intervalMs: 1000 });
    expect(seen).toEqual([3]);
  });
});
