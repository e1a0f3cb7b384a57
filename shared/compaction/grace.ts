const GRACE = /^(\d+)([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A grace period as written in a setting: `90m`, `2h`, `1d`. */
export function parseGrace(text: string): number {
  const match = GRACE.exec(text.trim());
  if (!match) throw new Error(`expected a duration such as 90m, 2h or 1d, got ${JSON.stringify(text.slice(0, 40))}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
