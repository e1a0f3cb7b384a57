/**
 * A seeded source of ids, numbers and timestamps, so every run benchmarks the same bytes and
 * every generated audit event is distinct (the pipeline deduplicates identical ones).
 */
export class Sequence {
  private state: number;
  private clockMicros: number;

  constructor(seed: number, startTime = '2026-11-20T14:03:07.000Z') {
    this.state = seed >>> 0;
    this.clockMicros = Date.parse(startTime) * 1000;
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  hex(length: number): string {
    let text = '';
    while (text.length < length)
      text += Math.floor(this.next() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return text.slice(0, length);
  }

  token(length: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.next() * alphabet.length)];
    return text;
  }

  uuid(): string {
    const hex = this.hex(32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** The next timestamp, a few hundred microseconds after the previous one, as the API server writes it. */
  timestamp(): string {
    this.clockMicros += this.int(50, 900);
    const micros = String(this.clockMicros % 1_000_000).padStart(6, '0');
    return `${new Date(Math.floor(this.clockMicros / 1000)).toISOString().slice(0, 19)}.${micros}Z`;
  }
}
