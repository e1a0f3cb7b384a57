/**
 * The `findings` view: one row per finding_id over everything stored under findings/v1/. The same
 * finding can be stored twice (by ingestion and by `kaudit detect --save`, under different object
 * names); the first detected is kept.
 */
import path from 'node:path';
import { type Column, FINDING_COLUMNS } from '../schema/columns.ts';
import { FINDINGS_PREFIX } from '../store/layout.ts';

/** How the lake's typed views over a prefix are made (lake-query.ts), for one view name, directory and columns. */
type TypedView = (name: string, directory: string, columns: readonly Column[]) => string;

/** The statements creating `findings_all` (every stored row) and `findings` (one row per finding_id). */
export function findingsViewsSql(root: string, typedView: TypedView): string[] {
  return [
    typedView('findings_all', path.join(root, FINDINGS_PREFIX), FINDING_COLUMNS),
    `CREATE VIEW findings AS SELECT * FROM findings_all
      QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY detected_time, dt, hour) = 1`,
  ];
}
