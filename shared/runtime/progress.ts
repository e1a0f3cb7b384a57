import type { Writable } from 'node:stream';

/** A backfill's progress on stderr: a redrawn bar on a terminal, else a line now and then. */
export interface Progress {
  /** `fraction` of the work done (0–1), or null when unknown; `status` says where it is. */
  update(fraction: number | null, status: string): void;
  /** A message that must not be overwritten (a retry, a warning). */
  note(message: string): void;
  /** The last state, always shown. */
  done(status: string): void;
}

export interface ProgressOptions {
  /** Draw a bar (default: whether the stream is a terminal). */
  tty?: boolean;
  /** Least time between two lines when not drawing a bar. */
  intervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 24;
const CLEAR_LINE = '\r\x1b[2K';

export function progressOn(stream: Writable, label: string, options: ProgressOptions = {}): Progress {
  const tty = options.tty ?? (stream as { isTTY?: boolean }).isTTY === true;
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let lastLine = Number.NEGATIVE_INFINITY;
  let drawn = '';
  let printed = '';
  const text = (fraction: number | null, status: string) => (tty ? `${label} ${bar(fraction)} ${status}` : `${label}: ${percent(fraction)}${status}`);
  return {
    update(fraction, status) {
      if (tty) {
        drawn = text(fraction, status);
        stream.write(`${CLEAR_LINE}${drawn}`);
      } else if (now() - lastLine >= intervalMs) {
        lastLine = now();
        printed = text(fraction, status);
        stream.write(`${printed}\n`);
      }
    },
    note(message) {
      stream.write(tty ? `${CLEAR_LINE}${label}: ${message}\n${drawn}` : `${label}: ${message}\n`);
    },
    done(status) {
      if (tty) stream.write(`${CLEAR_LINE}${text(1, status)}\n`);
      else if (text(1, status) !== printed) stream.write(`${text(1, status)}\n`);
    },
  };
}

function bar(fraction: number | null): string {
  if (fraction === null) return `[${'?'.repeat(BAR_WIDTH)}]`;
  const filled = Math.round(clamp(fraction) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent(fraction).trim()}`;
}

function percent(fraction: number | null): string {
  return fraction === null ? '' : `${Math.floor(clamp(fraction) * 100)}% `;
}

function clamp(fraction: number): number {
  return Math.min(1, Math.max(0, fraction));
}
