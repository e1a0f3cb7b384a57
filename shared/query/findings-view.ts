/**
 * The `findings` views: `findings_all` (every stored row under findings/v1/) and `findings`, one
 * row per finding_id. The same finding can be stored twice (by ingestion and by
 * `kaudit detect --save`, under different object names); the first detected is kept.
 */
import { FINDING_COLUMNS } from '../schema/columns.ts';
import { type LakeView, ndjsonSelect } from './lake-views.ts';

const findingsAllView: LakeView = { name: 'findings_all', sql: (files) => ndjsonSelect(files.findings, FINDING_COLUMNS, files.range) };

const findingsView: LakeView = {
  name: 'findings',
  sql: () => 'SELECT * FROM findings_all QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY detected_time, dt, hour) = 1',
  reads: ['findings_all'],
};

export const FINDINGS_VIEWS: readonly LakeView[] = [findingsAllView, findingsView];
