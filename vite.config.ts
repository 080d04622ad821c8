import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: built to dist/renderer, served by app:// (Electron) or HTTP (headless).
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    // No inline scripts or data: modules: the CSP forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
