import type { Reporter, TestModule } from 'vitest/node';
import type { FaultRow } from './fault-table';

/** After a run that injected faults (test/faults), prints what each did: detected, healed, credits lost. */
export default class FaultTableReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows: FaultRow[] = [];
    for (const module of testModules)
      for (const test of module.children.allTests()) rows.push(...((test.meta().faults as FaultRow[]) ?? []));
    if (!rows.length) return;
    const ms = (v: number | null) => (v === null ? '–' : String(v));
    const table = [
      ['fault', 'detected after (ms)', 'healed after (ms)', 'credits lost', 'loop lag p99 (ms)'],
      ...rows.map((r) => [r.fault, ms(r.detectedMs), ms(r.healedMs), String(r.creditsLost), ms(r.loopLagP99Ms)]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    const line = (row: string[]) =>
      row.map((cell, i) => (i ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
    process.stdout.write(`\nfaults:\n${table.map(line).join('\n')}\n`);
  }
}
