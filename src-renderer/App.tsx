import { lazy, Suspense, useEffect, useState } from 'react';
import { ApiContext, useApi } from './api-context';
import { AttractScreen } from './customer/AttractScreen';
import { IdentifyScreen } from './customer/IdentifyScreen';
import { InsertScreen } from './customer/InsertScreen';
import { ReceiptScreen, watchPrintJobs } from './customer/ReceiptScreen';
import { playItemSound } from './customer/sounds';
import { HiddenCorner } from './maintenance/HiddenCorner';
import { PinPad } from './maintenance/PinPad';
import { useKioskStore } from './stores/kiosk.store';
import type { Connection } from './transport/api';

/** Feeds the store from main (app info, heartbeat, link, deposit state); the screens only render it. */
export function App({ connection }: { connection: Connection }) {
  const { setInfo, setLink, receiveHeartbeat, setDeposit, setCatalogue, receiveItem, setMaintenance } =
    useKioskStore.getState();
  useEffect(() => {
    let cancelled = false;
    const { api } = connection;
    // On every (re)connection: main may have moved on while the link was down.
    const load = async () => {
      const [info, deposit, catalogue, session] = await Promise.all([
        api.app.info(),
        api.deposit.state(),
        api.deposit.catalogue(),
        api.maintenance.session(),
      ]);
      if (cancelled) return;
      if (info.ok) setInfo(info.value);
      if (deposit.ok) setDeposit(deposit.value);
      if (catalogue.ok) setCatalogue(catalogue.value);
      setMaintenance(session.ok ? session.value : null);
    };
    const stopLink = connection.onLinkState((state) => {
      setLink(state);
      if (state === 'open') void load();
    });
    const stopBeat = api.app.onHeartbeat((beat) => receiveHeartbeat(beat, Date.now()));
    const stopSession = api.deposit.onSession((state) => setDeposit(state));
    const stopItem = api.deposit.onItem((item) => {
      receiveItem(item, Date.now());
      playItemSound(item.accepted);
    });
    // A session that ended elsewhere (idle timeout, exit on another screen) closes this screen's view.
    const stopMaintenance = api.maintenance.onChanged(
      () => void api.maintenance.session().then((r) => !cancelled && setMaintenance(r.ok ? r.value : null)),
    );
    const stopReload = api.maintenance.onReload(() => window.location.reload());
    // A voucher prints the moment its session ends: follow prints from the start, not from the receipt screen.
    const stopPrint = watchPrintJobs(api);
    return () => {
      cancelled = true;
      stopMaintenance();
      stopReload();
      stopPrint();
      stopLink();
      stopBeat();
      stopSession();
      stopItem();
    };
  }, [connection, setInfo, setLink, receiveHeartbeat, setDeposit, setCatalogue, receiveItem, setMaintenance]);
  // Screen readers and the browser's own words (dates, hyphenation) follow the customer's language.
  const locale = useKioskStore((s) => s.locale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return (
    <ApiContext.Provider value={connection.api}>
      <Screen />
    </ApiContext.Provider>
  );
}

// Charts and controls are for technicians: loaded only when one signs in, not with the customer screens.
const MaintenanceScreen = lazy(() =>
  import('./maintenance/MaintenanceScreen').then((m) => ({ default: m.MaintenanceScreen })),
);

// First-boot setup: only on a machine that has not been set up.
const SetupScreen = lazy(() => import('./setup/SetupScreen').then((m) => ({ default: m.SetupScreen })));

/** A technician signed in on this screen sees maintenance; everyone else the customer flow. */
function Screen() {
  const api = useApi();
  const session = useKioskStore((s) => s.maintenance);
  const setMaintenance = useKioskStore((s) => s.setMaintenance);
  const [pinPad, setPinPad] = useState(false);
  const [setupRequired, setSetupRequired] = useState(false);
  useEffect(() => {
    void api.setup.status().then((r) => setSetupRequired(r.ok && r.value.required));
  }, [api]);
  if (setupRequired) {
    return (
      <Suspense fallback={null}>
        <SetupScreen />
      </Suspense>
    );
  }
  if (session) {
    return (
      <Suspense fallback={null}>
        <MaintenanceScreen session={session} onSession={setMaintenance} />
      </Suspense>
    );
  }
  return (
    <>
      <CustomerScreen />
      <HiddenCorner onOpen={() => setPinPad(true)} />
      {pinPad && (
        <PinPad
          onClose={() => setPinPad(false)}
          onUnlocked={(unlocked) => {
            setPinPad(false);
            setMaintenance(unlocked);
          }}
        />
      )}
    </>
  );
}

function CustomerScreen() {
  const state = useKioskStore((s) => s.deposit?.state);
  switch (state) {
    case 'identifying':
      return <IdentifyScreen />;
    case 'inserting':
    case 'closing':
      return <InsertScreen />;
    case 'receipt':
      return <ReceiptScreen />;
    default:
      return <AttractScreen />;
  }
}
