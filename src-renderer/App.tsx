import { useEffect } from 'react';
import { AttractScreen } from './customer/AttractScreen';
import { useKioskStore } from './stores/kiosk.store';
import type { Connection } from './transport/api';

/** Feeds the store from main (app info, heartbeat, link state); the screens only render it. */
export function App({ connection }: { connection: Connection }) {
  const { setInfo, setLink, receiveHeartbeat } = useKioskStore.getState();
  useEffect(() => {
    let cancelled = false;
    const loadInfo = async () => {
      const result = await connection.api.app.info();
      if (!cancelled && result.ok) setInfo(result.value);
    };
    const stopLink = connection.onLinkState((state) => {
      setLink(state);
      if (state === 'open') void loadInfo();
    });
    const stopBeat = connection.api.app.onHeartbeat((beat) => receiveHeartbeat(beat, Date.now()));
    return () => {
      cancelled = true;
      stopLink();
      stopBeat();
    };
  }, [connection, setInfo, setLink, receiveHeartbeat]);
  return <AttractScreen />;
}
