import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { findingOf } from '../../shared/transforms/detection/finding-of.ts';
import { canonicalEvent, ruleOf } from '../detection/detection-builders.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

const RULE = ruleOf({ selection: { verb: 'list' }, condition: 'selection' });
const SIGMA = { kind: 'sigma', id: RULE.id, title: RULE.title, source: RULE.path, level: RULE.level, tags: RULE.tags } as const;

describe('the findings view', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  it('shows a finding stored by ingestion and again by kaudit detect once, as first detected', async () => {
    // Prepare
    const event = canonicalEvent();
    const store = new LakeEventStore(new FileObjectStore(lake.url));
    await store.writeFindings('cwl-ingested', [findingOf(SIGMA, event, '2026-11-20T14:05:00.000Z')]);
    await store.writeFindings('det-rerun', [findingOf(SIGMA, event, '2026-11-21T09:00:00.000Z')]);
    const query = await LakeQuery.open(lake.root);

    // Act
    const result = await query
      .run('SELECT rule_id, event_id, detected_time, mitre_tactics, (SELECT count(*) FROM findings_all) AS stored FROM findings')
      .finally(() => query.close());

    // Assess
    expect(result.rows).toEqual([{ rule_id: RULE.id, event_id: event.event_id, detected_time: '2026-11-20T14:05:00.000Z', mitre_tactics: ['execution'], stored: 2 }]);
  });

  it('is empty, with the finding columns, in a lake without findings', async () => {
    // Prepare
    const query = await LakeQuery.open(lake.root);

    // Act
    const result = await query.run('SELECT finding_id, rule_id, level, event_id, cluster_id FROM findings').finally(() => query.close());

    // Assess
    expect(result).toEqual({ columns: ['finding_id', 'rule_id', 'level', 'event_id', 'cluster_id'], rows: [] });
  });
});
