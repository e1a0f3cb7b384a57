import type { LakeQuery } from '../query/lake-query.ts';
import { quoteLiteral } from '../schema/duckdb-columns.ts';

/**
 * Confines the dashboard's DuckDB to reading the lake: no file outside `root` can be read or
 * written, no extension loaded, and the settings are locked so no later statement can undo it.
 * The API builds every statement itself; this holds even if one of them were ever wrong.
 */
export async function confineToLake(lake: LakeQuery, root: string): Promise<void> {
  const directory = root.endsWith('/') ? root : `${root}/`;
  await lake.run(`SET allowed_directories = [${quoteLiteral(directory)}]`);
  await lake.run('SET enable_external_access = false');
  await lake.run('SET lock_configuration = true');
}
