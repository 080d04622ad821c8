import { useEffect } from 'react';
import { ApiContext } from './api-context';
import { AttractScreen } from './customer/AttractScreen';
import { IdentifyScreen } from './customer/IdentifyScreen';
import { InsertScreen } from './customer/InsertScreen';
import { ReceiptScreen } from './customer/ReceiptScreen';
import { playItemSound } from './customer/sounds';
import { useKioskStore } from './stores/kiosk.store';
import type { Connection } from './transport/api';

/** Feeds the store from main (app info, heartbeat, link, deposit state); the screens only render it. */
export function App({ connection }: { connection: Connection }) {
  const { setInfo, setLink, receiveHeartbeat, setDeposit, setCatalogue, receiveItem } = useKioskStore.getState();
  useEffect(() => {
    let cancelled = false;
    const { api } = connection;
    // On every (re)connection: main may have moved on while the link was down.
    const load = async () => {
      const [info, deposit, catalogue] = await Promise.all([
        api.app.info(),
        api.deposit.state(),
        api.deposit.catalogue(),
      ]);
      if (cancelled) return;
      if (info.ok) setInfo(info.value);
      if (deposit.ok) setDeposit(deposit.value);
      if (catalogue.ok) setCatalogue(catalogue.value);
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
    return () => {
      cancelled = true;
      stopLink();
      stopBeat();
      stopSession();
      stopItem();
    };
  }, [connection, setInfo, setLink, receiveHeartbeat, setDeposit, setCatalogue, receiveItem]);
  return (
    <ApiContext.Provider value={connection.api}>
      <Screen />
    </ApiContext.Provider>
  );
}

function Screen() {
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
