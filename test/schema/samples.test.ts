import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSamples } from '../../scripts/build-samples.ts';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { CanonicalEventSchema } from '../../shared/schema/canonical-event.ts';
import { decodeInput } from '../../shared/sources/input-formats.ts';

const samples = path.resolve(import.meta.dirname, '../../samples');
const built = Object.entries(buildSamples());

/** A sample payload through decode → normalize → dedupe, as `npm start` ingests it. */
function process(data: Buffer) {
  const context = { name: 'sample', region: 'eu-west-1', clusterName: null, clusterId: null, ingestTime: '2026-11-20T10:00:00.000Z', limits: DEFAULT_LIMITS };
  const decoded = decodeInput(data, context);
  if ('error' in decoded) throw new Error(decoded.error);
  return decoded.batches.map((batch) => processBatch(batch));
}

const checkedIn = (name: string) => process(readFileSync(path.join(samples, name)));

describe('samples/ (the npm start payloads)', () => {
  it.each(built)('%s is built from samples/src (run npm run samples:build)', (name, content) => {
    // Act: compare what the payloads decode to, not bytes, so another zlib build can't fail it.
    const fromSource = process(Buffer.from(JSON.stringify(content)));

    // Assess
    expect(checkedIn(name)).toEqual(fromSource);
  });

  it('cover both clouds, forbidden requests, the category overlap and truncated events', () => {
    // Act
    const processed = built.flatMap(([name]) => checkedIn(name));
    const events = processed.flatMap((batch) => batch.events);

    // Assess
    expect(events.every((event) => CanonicalEventSchema.safeParse(event).success)).toBe(true);
    expect(new Set(events.map((event) => event.platform))).toEqual(new Set(['eks', 'aks']));
    expect(events.filter((event) => event.authz_decision === 'forbid').length).toBeGreaterThanOrEqual(3);
    expect(
      events
        .filter((event) => event.is_truncated)
        .map((event) => event.platform)
        .sort(),
    ).toEqual(['aks', 'eks']);
    expect(processed.reduce((sum, batch) => sum + batch.summary.duplicates, 0)).toBe(1);
    expect(processed.flatMap((batch) => batch.quarantined)).toEqual([]);
  });
});
