// The only module that loads the real Electron; everything it runs is testable without it.
import * as electron from 'electron';
import { findCliCommand } from '../cli/commands';
import { runCliInElectron } from './cli-main';
import { runElectronApp } from './electron-app';

// `rvm-kiosk <command> …` (a technician over SSH): the command runs here, without a window.
const command = findCliCommand(process.argv, process.defaultApp ? 2 : 1);
if (command) {
  void runCliInElectron(electron.app, command);
} else {
  runElectronApp(electron).catch((error: unknown) => {
    console.error('RVM kiosk failed to start:', error);
    electron.app.exit(1);
  });
}
