import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DepositState } from '../../src-preload/contract';
import { en } from '../i18n/en';
import { id } from '../i18n/id';
import { useKioskStore } from '../stores/kiosk.store';
import { availabilityOf } from './availability';
import { idle, renderAt } from './fake-main';

beforeEach(() => {
  useKioskStore.setState({
    deposit: undefined,
    catalogue: undefined,
    lastItem: undefined,
    heartbeat: undefined,
    heartbeatAt: undefined,
    link: 'connecting',
    locale: 'id',
  });
});
afterEach(cleanup);

describe('attract', () => {
  it('lists what the machine takes with its points, and Start begins a session once the machine answers', async () => {
    const main = await renderAt(idle);
    expect(screen.getByText('Botol plastik (PET)')).toBeTruthy();
    expect(screen.getByText('15 poin / buah')).toBeTruthy();
    expect(screen.getByText(/^1 poin = Rp\s?10$/)).toBeTruthy();
    main.beat();
    expect(screen.getByRole('status').textContent).toBe('Siap digunakan');
    fireEvent.click(screen.getByRole('button', { name: 'Mulai' }));
    expect(main.calls('deposit.start')).toHaveLength(1);
  });

  it('out of service: "temporarily unavailable", plain words for the cause, no technical detail, no Start', async () => {
    const main = await renderAt({
      ...idle,
      state: 'out_of_service',
      outOfService: [
        { code: 'camera', detail: 'camera lost: ffmpeg exited 1' },
        { code: 'bin', detail: 'bin full' },
      ],
    });
    main.beat('out_of_service');
    expect(document.querySelector('[data-screen="out-of-service"]')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Sementara tidak tersedia');
    const alert = screen.getByRole('alert').textContent!;
    expect(alert).toContain('Sementara tidak tersedia');
    expect(alert).toContain('Kamera sedang bermasalah.');
    expect(alert).toContain('Tempat penampungan penuh.');
    expect(alert).not.toContain('ffmpeg');
    expect(screen.queryByRole('button', { name: 'Mulai' })).toBeNull();
  });

  it('vision off without demo items: no Start that would fail on insert, and why', async () => {
    const main = await renderAt(idle, { intake: 'none' });
    main.beat();
    expect(document.querySelector('[data-screen="out-of-service"]')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Pengenalan barang sedang tidak tersedia.');
    expect(screen.queryByRole('button', { name: 'Mulai' })).toBeNull();
  });

  it('vision off with demo items: ready, and the insert screen shows the demo buttons instead of a dark camera', async () => {
    const main = await renderAt(idle, { intake: 'demo' });
    main.beat();
    expect(screen.getByRole('status').textContent).toBe('Siap digunakan');
    useKioskStore.setState({ catalogue: { ...useKioskStore.getState().catalogue!, demoItems: true } });
    main.session({ ...idle, state: 'inserting', sessionId: 'S1', identity: { kind: 'guest' }, deadlineAt: null });
    expect(screen.getByTestId('demo-items')).toBeTruthy();
    expect(screen.queryByTestId('live-view')).toBeNull();
  });
});

describe('availability', () => {
  const oos = (code: 'bin' | 'status'): DepositState => ({
    ...idle,
    state: 'out_of_service',
    outOfService: [{ code, detail: 'x' }],
  });
  it('is ready only when the machine answers, is in service and can take items', () => {
    expect(availabilityOf('online', idle, 'ok', 'camera')).toEqual({ state: 'ready', reasons: [] });
    // A slow machine or an unreachable platform still takes items (points wait for the link).
    expect(availabilityOf('degraded', idle, 'degraded', 'demo').state).toBe('ready');
    expect(availabilityOf('connecting', undefined, undefined, undefined).state).toBe('connecting');
    expect(availabilityOf('offline', idle, 'ok', 'camera')).toEqual({ state: 'unavailable', reasons: ['oos.noLink'] });
    expect(availabilityOf('online', oos('bin'), 'out_of_service', 'camera').reasons).toEqual(['oos.bin']);
    expect(availabilityOf('online', oos('status'), 'out_of_service', 'camera').reasons).toEqual(['oos.maintenance']);
    expect(availabilityOf('online', idle, 'ok', 'none')).toEqual({ state: 'unavailable', reasons: ['oos.vision'] });
  });

  it('has plain words for every status in both languages, and no technical ones', () => {
    for (const catalogue of [id, en]) {
      const words = Object.entries(catalogue).filter(([key]) => key.startsWith('status.') || key.startsWith('oos.'));
      expect(words.map(([, text]) => text).join(' ')).not.toMatch(/degraded|terganggu|slowly|lambat|server|platform/i);
    }
  });
});

describe('identify', () => {
  const identifying: DepositState = {
    ...idle,
    state: 'identifying',
    deadlineAt: Date.now() + 60_000,
    qr: { content: 'myrvm://session/abc123?m=uuid-1', expiresAt: Date.now() + 300_000 },
  };

  it('draws the platform code with one countdown, says how to get the app, and moves on when the claim arrives', async () => {
    const main = await renderAt(identifying);
    const qr = screen.getByRole('img', { name: 'Pindai dengan aplikasi MyRVM' });
    expect(qr.getAttribute('data-qr')).toBe('myrvm://session/abc123?m=uuid-1');
    expect(qr.querySelector('path')!.getAttribute('d')!.length).toBeGreaterThan(100);
    // One countdown: the screen's. The code renews itself without asking for attention.
    expect(screen.getAllByTestId('countdown')).toHaveLength(1);
    expect(Number(screen.getByTestId('countdown').dataset.seconds)).toBeGreaterThan(55);
    expect(document.body.textContent).toContain('Unduh “MyRVM” gratis');
    main.session({
      ...idle,
      state: 'inserting',
      sessionId: 'S1',
      identity: { kind: 'member', memberId: '501', name: 'Siti' },
    });
    expect(document.querySelector('[data-screen="insert"]')).toBeTruthy();
  });

  it('without an account, one step: donate (to a named programme), voucher, or just recycle; cancel goes back', async () => {
    const main = await renderAt({ ...identifying, qr: null });
    expect(screen.getByTestId('no-code').textContent).toContain('tidak terhubung');
    expect(screen.getByRole('group', { name: 'Tanpa akun? Pilih satu:' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Donasikan poin Untuk program daur ulang MyRVM' }));
    fireEvent.click(screen.getByRole('button', { name: /^Ambil voucher/ }));
    fireEvent.click(screen.getByRole('button', { name: /^Daur ulang saja/ }));
    expect(main.calls('deposit.identify')).toEqual([{ kind: 'donation' }, { kind: 'voucher' }, { kind: 'guest' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Batal' }));
    expect(main.calls('deposit.cancel')).toHaveLength(1);
  });

  it('names the donation recipient when the machine has one (deposit.donationRecipient)', async () => {
    await renderAt({ ...identifying, qr: null }, { donationRecipient: 'Bank Sampah Sudirman' });
    expect(screen.getByRole('button', { name: 'Donasikan poin Untuk Bank Sampah Sudirman' })).toBeTruthy();
  });
});
