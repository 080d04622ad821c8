import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/fault-table-reporter.ts', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          // Real processes (ffmpeg, the inference worker) share 2 cores with the other test files.
          testTimeout: 20_000,
          hookTimeout: 30_000,
          include: [
            'src-main/**/*.test.ts',
            'src-preload/**/*.test.ts',
            'eslint-rules/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'test/contract/**/*.test.ts',
          ],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'faults',
          environment: 'node',
          include: ['test/faults/**/*.test.ts'],
          testTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
