import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressOn } from '../../shared/runtime/progress.ts';

function captured(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('progressOn', () => {
  it('redraws one bar on a terminal', () => {
    // Prepare
    const out = captured();
    const progress = progressOn(out.stream, 'backfill prod-eu', { tty: true });

    // Act
    progress.update(0.5, 'at 2026-11-20T12:00:00.000Z');
    progress.done('done');

    // Assess
    expect(out.text()).toBe('\r\x1b[2Kbackfill prod-eu [############------------] 50% at 2026-11-20T12:00:00.000Z\r\x1b[2Kbackfill prod-eu [########################] 100% done\n');
  });

  it('writes a line at most once per interval when not on a terminal', () => {
    // Prepare
    const out = captured();
    let now = 0;
    const progress = progressOn(out.stream, 'backfill prod-eu', { tty: false, intervalMs: 10_000, now: () => now });

    // Act
    progress.update(0.1, 'page 1');
    now = 5_000;
    progress.update(0.2, 'page 2');
    now = 10_000;
    progress.update(0.3, 'page 3');
    progress.done('page 4');

    // Assess
    expect(out.text()).toBe('backfill prod-eu: 10% page 1\nbackfill prod-eu: 30% page 3\nbackfill prod-eu: 100% page 4\n');
  });

  it('keeps a note on its own line and redraws the bar after it', () => {
    // Prepare
    const out = captured();
    const progress = progressOn(out.stream, 'backfill prod-eu', { tty: true });
    progress.update(null, 'starting');

    // Act
    progress.note('ThrottlingException, retry 1 in 420 ms');

    // Assess
    expect(out.text().endsWith('\r\x1b[2Kbackfill prod-eu: ThrottlingException, retry 1 in 420 ms\nbackfill prod-eu [????????????????????????] starting')).toBe(true);
  });
});
