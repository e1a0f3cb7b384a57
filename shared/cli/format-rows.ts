import type { QueryResult } from '../query/lake-query.ts';

export type RowFormat = 'table' | 'json' | 'csv';
export const ROW_FORMATS: readonly RowFormat[] = ['table', 'json', 'csv'];

/** Query rows as text: an aligned table, one JSON object per line, or RFC 4180 CSV. */
export function formatRows(result: QueryResult, format: RowFormat): string {
  switch (format) {
    case 'json':
      return result.rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    case 'csv':
      return [result.columns, ...result.rows.map((row) => result.columns.map((column) => cellText(row[column])))].map((cells) => `${cells.map(csvField).join(',')}\r\n`).join('');
    case 'table':
      return table(result);
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const MAX_CELL = 60;

function table(result: QueryResult): string {
  const cells = result.rows.map((row) =>
    result.columns.map((column) => {
      const text = cellText(row[column]).replace(/\s+/g, ' ');
      return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
    }),
  );
  const widths = result.columns.map((column, index) => Math.max(column.length, ...cells.map((row) => (row[index] as string).length)));
  const line = (row: string[]) =>
    `${row
      .map((cell, index) => cell.padEnd(widths[index] as number))
      .join('  ')
      .trimEnd()}\n`;
  const rule = widths.map((width) => '-'.repeat(width));
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
  return line(result.columns) + line(rule) + cells.map(line).join('') + count;
}
