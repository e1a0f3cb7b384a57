export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** How long some work took: wall-clock, and CPU of the whole process (every thread: zlib and fs work on the pool). */
export interface Elapsed {
  wallSeconds: number;
  cpuSeconds: number;
}

export async function elapsedOf(work: () => unknown): Promise<Elapsed> {
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  await work();
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
