import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LakeQuery } from '../../../shared/query/lake-query.ts';
import { type CompiledSearch, compileSearch, type SearchScope } from '../../../shared/query/search/compile-search.ts';
import type { CanonicalEvent } from '../../../shared/schema/canonical-event.ts';

/** DuckDB in memory holding a table `events` with the columns and types of the lake's `events` view. */
export class SearchTable {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async of(events: readonly CanonicalEvent[]): Promise<SearchTable> {
    const columns = await lakeViewColumns();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const table = new SearchTable(instance, connection);
    const directory = await mkdtemp(path.join(tmpdir(), 'kaudit-search-'));
    try {
      const file = path.join(directory, 'events.ndjson');
      await writeFile(file, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
      const typed = columns.map(({ name, type }) => `"${name}": '${type}'`).join(', ');
      await connection.run(`CREATE TABLE events AS SELECT * FROM read_json($1, format = 'newline_delimited', columns = {${typed}})`, [file]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    return table;
  }

  /** Runs a compiled search with its parameters bound, as JSON-like rows. */
  async run(compiled: CompiledSearch): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(compiled.sql, compiled.params);
    return reader.getRowObjectsJson();
  }

  /** The audit IDs of the events a query finds in the table, in the order it returns them. */
  async auditIds(query: string, scope: Partial<SearchScope> = {}): Promise<string[]> {
    const rows = await this.run(compileSearch(query, { view: 'events', ...scope }));
    return rows.map((row) => row.audit_id as string);
  }

  /** The groups a `groupby` query returns, with `count` as a number. */
  async groups(query: string, scope: Partial<SearchScope> = {}): Promise<Record<string, unknown>[]> {
    const rows = await this.run(compileSearch(query, { view: 'events', ...scope }));
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  async rowCount(): Promise<number> {
    const reader = await this.connection.runAndReadAll('SELECT count(*) AS n FROM events');
    return Number(reader.getRowObjectsJson()[0]?.n);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The lake's own column types, read from the view LakeQuery makes over an empty lake. */
async function lakeViewColumns(): Promise<{ name: string; type: string }[]> {
  const lake = await LakeQuery.open(path.join(tmpdir(), 'kaudit-search-no-lake'));
  try {
    const result = await lake.run('DESCRIBE events');
    return result.rows.map((row) => ({ name: row.column_name as string, type: row.column_type as string }));
  } finally {
    lake.close();
  }
}
