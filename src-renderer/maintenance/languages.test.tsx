import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApi, contract, ok, type Alert, type MaintenanceSession } from '../../src-preload/contract';
import { ApiContext } from '../api-context';
import { useKioskStore } from '../stores/kiosk.store';
import { useErrorText } from './actions';
import { alertTitle } from './Alerts';
import { MaintenanceScreen } from './MaintenanceScreen';

// Part 5 of #19: both languages on the technician's screens — a toggle, alert titles by rule id.

const alert = (rule: string, title: string): Alert => ({
  id: `A-${rule}`,
  rule,
  title,
  severity: 'warning',
  state: 'active',
  value: 97,
  op: '>',
  threshold: 95,
  firedAt: Date.UTC(2026, 0, 5, 3),
  lastSeenAt: Date.UTC(2026, 0, 5, 3),
  resolvedAt: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
});

const SESSION: MaintenanceSession = {
  technician: 'Agus',
  permissions: ['view_status'],
  source: 'local',
  openedAt: 1,
  idleUntil: Date.now() + 60_000,
};

function renderMaintenance(alerts: Alert[]) {
  const api = buildApi(contract, {
    invoke: async (channel) =>
      channel === 'monitor.alerts' ? ok(alerts) : { ok: false, error: { code: 'UNAVAILABLE', message: 'not here' } },
    subscribe: () => () => undefined,
  });
  render(
    <ApiContext.Provider value={api}>
      <MaintenanceScreen session={SESSION} onSession={() => undefined} />
    </ApiContext.Provider>,
  );
}

describe('technician screens in both languages', () => {
  afterEach(() => {
    cleanup();
    useKioskStore.setState({ locale: 'en' });
  });

  it('names a default rule in the reader’s language; a rule of the configuration keeps its own title', () => {
    expect(alertTitle({ rule: 'bin_full', title: 'Bin full: intake stopped' }, 'id')).toBe(
      'Tempat penampungan penuh: penerimaan berhenti',
    );
    expect(alertTitle({ rule: 'camera_lost', title: 'Camera lost for more than 30 s' }, 'en')).toBe('Camera lost');
    expect(alertTitle({ rule: 'door_open_long', title: 'Door open too long' }, 'id')).toBe('Door open too long');
  });

  it('has a language toggle in the maintenance header that switches every word, alert titles included', async () => {
    useKioskStore.setState({ locale: 'id' });
    renderMaintenance([alert('cpu_critical', 'CPU above 95 % for 1 minute'), alert('my_rule', 'My own rule')]);
    fireEvent.click(await screen.findByRole('tab', { name: 'Peringatan (2)' }));
    const titles = () => screen.getAllByTestId('alert-title').map((e) => e.textContent);
    expect(titles()).toEqual(['CPU kelebihan beban', 'My own rule']);
    act(() => fireEvent.click(screen.getByRole('button', { name: 'English' })));
    expect(document.querySelector('h1')?.textContent).toBe('Maintenance');
    expect(titles()).toEqual(['CPU overloaded', 'My own rule']);
    expect(screen.getByRole('tab', { name: 'Alerts (2)' })).toBeTruthy();
  });

  it('says how the technician signed in and which permission a refusal needs in the reader’s language', () => {
    useKioskStore.setState({ locale: 'id' });
    renderMaintenance([]);
    expect(screen.getByTestId('technician').textContent).toBe('Agus (PIN di mesin ini)');
    act(() => useKioskStore.setState({ locale: 'en' }));
    expect(screen.getByTestId('technician').textContent).toBe('Agus (PIN on this machine)');
    function Refusal() {
      const text = useErrorText();
      const message = 'Agus may not do this (needs the "update_config" permission in maintenance.technicians)';
      return (
        <>
          <p data-testid="forbidden">{text({ code: 'FORBIDDEN', message, permission: 'update_config' })}</p>
          <p data-testid="other">{text({ code: 'UNAVAILABLE', message: 'vision is off' })}</p>
        </>
      );
    }
    render(<Refusal />);
    expect(screen.getByTestId('forbidden').textContent).toBe(
      'Not allowed: this needs the “change settings” permission.',
    );
    expect(screen.getByTestId('other').textContent).toBe('vision is off');
    act(() => useKioskStore.setState({ locale: 'id' }));
    expect(screen.getByTestId('forbidden').textContent).toBe('Tidak diizinkan: perlu izin “ubah pengaturan”.');
  });
});
