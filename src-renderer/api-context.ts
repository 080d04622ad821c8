import { createContext, useContext } from 'react';
import type { RvmApi } from '../src-preload/contract';

export const ApiContext = createContext<RvmApi | undefined>(undefined);

/** The contract API of main (IPC in Electron, WebSocket in a browser). */
export function useApi(): RvmApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside <ApiContext.Provider>');
  return api;
}
