/**
 * The quarantine scrub against the shapes raw text takes when it cannot be read as one document:
 * an event carrying secrets, bare or inside a CloudWatch or AKS envelope, cut anywhere, behind a
 * container runtime's or klog's prefix, after another event on the same line, with EKS's
 * truncation marker. Whatever the shape, no stretch of a secret value survives, written out or in
 * base64, and the scrub never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { provenanceOf } from '../../shared/core/decoded-batch.ts';
import { buildQuarantineRecord } from '../../shared/core/quarantine.ts';
import { buildPipelineOptions } from '../../shared/pipeline/pipeline-options.ts';
import { aksRecord, auditEvent, cloudWatchPayload, INGEST_TIME } from '../helpers/audit-events.ts';
import { eventsCarryingSecrets, SECRET_FORMS } from '../redaction/secret-events.ts';

const scrub = (await buildPipelineOptions({})).quarantineTransform as NonNullable<Awaited<ReturnType<typeof buildPipelineOptions>>['quarantineTransform']>;
const EVENTS = eventsCarryingSecrets();
/** Long enough that a match is a secret's, not a coincidence of common text. */
const WINDOW = 10;

const ENVELOPES: Record<string, (event: Record<string, unknown>) => string> = {
  bare: (event) => JSON.stringify(event),
  cloudWatch: (event) => JSON.stringify(cloudWatchPayload({ events: [event] })),
  aks: (event) => JSON.stringify(aksRecord(event)),
};
const PREFIXES = ['', '2026-11-20T14:03:07.412135000Z stdout F ', 'I1120 14:03:07.412135 1 audit.go:42] ', '\uFEFF', 'garbage ] } [ '];

/** Stretches of the secret values that must not be left in scrubbed text. */
function secretStretchesIn(text: string): string[] {
  return SECRET_FORMS.flatMap((form) => Array.from({ length: form.length - WINDOW + 1 }, (_, at) => form.slice(at, at + WINDOW))).filter((stretch) => text.includes(stretch));
}

const shapes = fc.record({
  event: fc.integer({ min: 0, max: EVENTS.length - 1 }),
  envelope: fc.constantFrom(...Object.keys(ENVELOPES)),
  prefix: fc.constantFrom(...PREFIXES),
  afterAnother: fc.boolean(),
  cutAt: fc.double({ min: 0, max: 1, noNaN: true }),
  truncationMarker: fc.boolean(),
});

describe('the quarantine scrub on text that is not one document', () => {
  it('leaves no stretch of a secret value, however the text is cut, prefixed or joined', () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        // Prepare
        const whole = (ENVELOPES[shape.envelope] as (event: Record<string, unknown>) => string)(EVENTS[shape.event] as Record<string, unknown>);
        const cut = whole.slice(0, Math.floor(whole.length * shape.cutAt));
        const raw = `${shape.prefix}${shape.afterAnother ? JSON.stringify(auditEvent()) : ''}${cut}${shape.truncationMarker ? '[Truncated...]' : ''}`;
        const provenance = provenanceOf({ platform: 'eks', cloud_provider: 'aws', source_type: 'cloudwatch_subscription', ingest_time: INGEST_TIME });

        // Act
        const scrubbed = scrub(buildQuarantineRecord(provenance, 'invalid_json', 'fuzz', raw));

        // Assess
        expect(secretStretchesIn(scrubbed.raw as string)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
