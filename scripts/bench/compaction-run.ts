/**
 * `kaudit compact` over a generated lake as a whole process under /usr/bin/time: wall and CPU
 * seconds, events/s by each, and peak RSS of the process (Node, tsx and DuckDB together).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';

export interface CompactionRun {
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  eventsPerWallSecond: number;
  eventsPerCpuSecond: number;
  peakRssMB: number;
  /** The 1-minute load average when the run ended: other jobs on the machine show here. */
  loadAverage: number;
}

export function runCompaction(kaudit: string, root: string): CompactionRun {
  const run = spawnSync('/usr/bin/time', ['-f', 'KAUDIT_TIME %e %U %S %M', process.execPath, kaudit, 'compact', '--store', `file://${root}`, '--json'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kaudit compact failed: ${run.stderr}`);
  const events = (JSON.parse(run.stdout) as { events: number }).events;
  const [, wall, user, system, maxRssKb] = /KAUDIT_TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(run.stderr) ?? [];
  const wallSeconds = Number(wall);
  const cpuSeconds = Number(user) + Number(system);
  return {
    events,
    wallSeconds,
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    eventsPerWallSecond: Math.round(events / wallSeconds),
    eventsPerCpuSecond: Math.round(events / cpuSeconds),
    peakRssMB: Math.round(Number(maxRssKb) / 1024),
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

/** Removes what compaction wrote, so the same lake can be compacted again from scratch. */
export function forgetCompaction(root: string): void {
  rmSync(path.join(root, 'compacted'), { recursive: true, force: true });
}

export function describeCompaction(run: CompactionRun): string {
  return (
    `${run.events} events in ${run.wallSeconds} s wall, ${run.cpuSeconds} s CPU ` +
    `(${run.eventsPerWallSecond} events/s wall, ${run.eventsPerCpuSecond} per CPU second), peak RSS ${run.peakRssMB} MB, load average ${run.loadAverage}`
  );
}
