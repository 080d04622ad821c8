import type { BrowserWindowConstructorOptions } from 'electron';

export const APP_ORIGIN = 'app://rvm';
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Everything but development runs locked down: kiosk, no DevTools, no reload shortcuts. */
export const isLockedDown = (environment: string): boolean => environment !== 'development';

/** The kiosk window, following Electron's security checklist. Tests read these values. */
export function kioskWindowOptions(environment: string, preloadPath: string): BrowserWindowConstructorOptions {
  const locked = isLockedDown(environment);
  return {
    show: false,
    width: 1080,
    height: 1920,
    backgroundColor: '#0f2e24',
    kiosk: locked,
    fullscreen: locked,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !locked,
      // A kiosk is always in the foreground; throttling would stall the live camera view.
      backgroundThrottling: false,
    },
  };
}
