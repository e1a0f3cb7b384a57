/**
 * Raw text made of long runs of one character (backslashes, whitespace), where a pattern that
 * backtracks would take quadratic time (minutes here, an hour for a megabyte) and hold a function
 * until it times out: the quarantine scrub and the audit event reader go through such text once.
 */
import { describe, expect, it } from 'vitest';
import { provenanceOf } from '../../shared/core/decoded-batch.ts';
import { buildQuarantineRecord } from '../../shared/core/quarantine.ts';
import { readAuditEventText } from '../../shared/core/read-audit-text.ts';
import { buildPipelineOptions } from '../../shared/pipeline/pipeline-options.ts';
import { INGEST_TIME } from '../helpers/audit-events.ts';

const RUN = 200_000;
const { quarantineTransform: scrub } = await buildPipelineOptions({});

function quarantined(raw: string) {
  const provenance = provenanceOf({ platform: 'self_managed', cloud_provider: 'none', source_type: 'file', ingest_time: INGEST_TIME });
  return buildQuarantineRecord(provenance, 'invalid_json', 'line 1: not JSON', raw);
}

describe('a run of 200,000 of one character', () => {
  it.each([
    ['backslashes', '\\'.repeat(RUN)],
    ['backslashes before a quote', `${'\\'.repeat(RUN)}"`],
    ['whitespace inside an object', `{"kind":"Event"${' '.repeat(RUN)}x`],
    ['backslashes in a string cut short', `{"kind":"Event","auditID":"${'\\'.repeat(RUN)}x`],
    ['escaped "path" keys', '\\"path\\\\'.repeat(RUN / 10)],
  ])('in quarantined text (%s) is scrubbed in one pass, and kept as it holds no secret', (_name, raw) => {
    // Prepare
    const record = quarantined(raw);

    // Act
    const scrubbed = scrub?.(record);

    // Assess
    expect(scrubbed).toBe(record);
  });

  it('of whitespace after an audit event cut short is read in one pass', () => {
    // Act
    const read = readAuditEventText(`{"kind":"Event","auditID":"a"${' '.repeat(RUN)}x`);

    // Assess
    expect(read).toEqual({
      error: `not JSON and not a truncated JSON object: unexpected a letter at character ${RUN + 29}: expected ',' or '}' after a property value`,
      reason: 'invalid_json',
    });
  });
});
