import { act, render } from '@testing-library/react';
import {
  buildApi,
  contract,
  IDLE_DEPOSIT_STATE,
  ok,
  type Catalogue,
  type DepositState,
  type Heartbeat,
  type ItemResult,
  type PrintJob,
  type Result,
} from '../../src-preload/contract';
import { App } from '../App';
import type { Connection } from '../transport/api';

// The customer screens' component tests share this stand-in for main (not a test file itself).

export const catalogue: Catalogue = {
  materials: [
    { material: 'pet', points: 10 },
    { material: 'aluminium', points: 15 },
  ],
  pointValue: { amount: 10, currency: 'IDR' },
  demoItems: false,
  receiptPrinter: false,
  intake: 'camera',
  donationRecipient: null,
};

export const idle: DepositState = IDLE_DEPOSIT_STATE;

export interface FakeMainOptions {
  readonly receiptPrinter?: boolean;
  readonly print?: PrintJob['state'];
  /** How items get in (the catalogue's intake); the camera by default. */
  readonly intake?: Catalogue['intake'];
  readonly donationRecipient?: string;
}

/** An in-memory main: answers the deposit calls it is given and records every call; pushes events. */
export function fakeMain(initial: DepositState, options: FakeMainOptions = {}) {
  const calls: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api = buildApi(contract, {
    invoke: async (channel, payload): Promise<Result<unknown>> => {
      calls.push([channel, payload]);
      if (channel === 'deposit.state') return ok(initial);
      if (channel === 'deposit.catalogue')
        return ok({
          ...catalogue,
          receiptPrinter: options.receiptPrinter ?? false,
          intake: options.intake ?? 'camera',
          demoItems: options.intake === 'demo',
          donationRecipient: options.donationRecipient ?? null,
        });
      if (channel.startsWith('deposit.')) return ok(initial);
      if (channel === 'payout.printReceipt') {
        const { sessionId } = payload as { sessionId: string };
        return ok({ sessionId, state: options.print ?? 'printed', fault: null, detail: null });
      }
      return { ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } };
    },
    subscribe: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set.add(listener));
      return () => set.delete(listener);
    },
  });
  const connection: Connection = { api, transport: 'ws', onLinkState: (l) => (l('open'), () => undefined) };
  const push = (channel: string, payload: unknown) => act(() => listeners.get(channel)?.forEach((l) => l(payload)));
  return {
    connection,
    calls: (channel: string) => calls.filter(([c]) => c === channel).map(([, p]) => p),
    session: (state: DepositState) => push('deposit.session', state),
    /** A heartbeat from main: the screen knows the machine is there (Start is enabled only then). */
    beat: (status: Heartbeat['status'] = 'ok') =>
      push('app.heartbeat', { seq: 1, at: new Date().toISOString(), status, reasons: [], intervalMs: 60_000 }),
    item: (item: ItemResult) => push('deposit.item', item),
    print: (sessionId: string, state: PrintJob['state']) =>
      push('payout.print', { sessionId, state, fault: state === 'failed' ? 'paper_out' : null, detail: null }),
  };
}

/** The app on a fake main at this deposit state, once its first answers are in. */
export async function renderAt(state: DepositState, options?: FakeMainOptions) {
  const main = fakeMain(state, options);
  render(<App connection={main.connection} />);
  await act(async () => undefined); // the initial state/catalogue answers
  return main;
}
