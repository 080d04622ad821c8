// The only module that loads the real Electron; everything it runs is testable without it.
import * as electron from 'electron';
import { runElectronApp } from './electron-app';

runElectronApp(electron).catch((error: unknown) => {
  console.error('RVM kiosk failed to start:', error);
  electron.app.exit(1);
});
