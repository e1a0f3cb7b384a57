import * as z from 'zod';
import { messageOf } from '../core/errors.ts';
import type { LakeQuery } from '../query/lake-query.ts';
import { compileSearch } from '../query/search/compile-search.ts';
import { MAX_QUERY_LENGTH } from '../query/search/search-parser.ts';
import { SearchSyntaxError } from '../query/search/search-syntax-error.ts';
import { parseTimeBound } from '../query/time-range.ts';
import { ANY_FINDING_STATEMENT, eventStatement, findingsStatement, overviewOf, overviewStatement, type Statement } from './dashboard-sql.ts';

/** Events (or groups) a page of results holds. */
const PAGE_SIZE = 50;
const MAX_PAGE = 10_000;
const FINDINGS_SHOWN = 50;

/** An answer of the API: a status and a JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** What every panel is scoped by, as the page's URL gives it: the query, a time range and a cluster. */
const ViewSchema = z.object({
  q: z.string().max(MAX_QUERY_LENGTH).default(''),
  since: z.string().max(64).optional(),
  until: z.string().max(64).optional(),
  cluster: z.string().max(256).optional(),
  page: z.coerce.number().int().min(0).max(MAX_PAGE).default(0),
});
const EventSchema = z.object({ id: z.string().min(1).max(128) });

/** A request the API refuses, with the reason it gives. */
class BadRequest extends Error {
  constructor(
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The dashboard's read-only API. It takes only the search language, a time range, a cluster and a
 * page, never SQL: each answer runs statements built here, with every value bound.
 */
export class DashboardApi {
  constructor(
    private readonly lake: LakeQuery,
    private readonly now: () => Date,
    private readonly logError: (message: string) => void,
  ) {}

  /** Answers `GET /api/<name>?…`; an unknown name is 404. */
  async answer(name: string, params: URLSearchParams): Promise<ApiAnswer> {
    try {
      switch (name) {
        case 'overview':
          return { status: 200, body: await this.overview(params) };
        case 'search':
          return { status: 200, body: await this.search(params) };
        case 'event':
          return await this.event(params);
        case 'findings':
          return { status: 200, body: await this.findings(params) };
        default:
          return { status: 404, body: { error: { message: 'no such API' } } };
      }
    } catch (error) {
      if (error instanceof BadRequest) return { status: 400, body: { error: { message: error.message, ...error.detail } } };
      if (error instanceof SearchSyntaxError) {
        return { status: 400, body: { error: { message: error.message, column: error.column, reason: error.reason, pointer: error.pointer } } };
      }
      this.logError(`api ${name}: ${messageOf(error).split('\n')[0]}`);
      return { status: 503, body: { error: { message: 'the lake could not be read' } } };
    }
  }

  private async overview(params: URLSearchParams) {
    const view = this.viewOf(params);
    return overviewOf(await this.rows(overviewStatement(view.q, view.scope)));
  }

  private async search(params: URLSearchParams) {
    const view = this.viewOf(params);
    // One more than a page, to tell whether another page follows.
    const compiled = compileSearch(view.q, { ...view.scope, limit: PAGE_SIZE + 1, offset: view.page * PAGE_SIZE });
    const { columns, rows } = await this.lake.run(compiled.sql, compiled.params);
    return { kind: compiled.kind, columns, rows: rows.slice(0, PAGE_SIZE), page: view.page, pageSize: PAGE_SIZE, hasMore: rows.length > PAGE_SIZE };
  }

  private async event(params: URLSearchParams): Promise<ApiAnswer> {
    const { id } = this.parse(EventSchema, params);
    const [event] = await this.rows(eventStatement(id));
    return event ? { status: 200, body: event } : { status: 404, body: { error: { message: 'no event with this id' } } };
  }

  private async findings(params: URLSearchParams) {
    const [stored] = await this.rows(ANY_FINDING_STATEMENT);
    if (Number(stored?.n) === 0) return { available: false, rows: [] };
    const { scope } = this.viewOf(params);
    return { available: true, rows: await this.rows(findingsStatement({ since: scope.since, until: scope.until, limit: FINDINGS_SHOWN })) };
  }

  private viewOf(params: URLSearchParams) {
    const view = this.parse(ViewSchema, params);
    const now = this.now();
    const since = this.timeOf('since', view.since, now);
    const until = this.timeOf('until', view.until, now);
    if (since && until && since >= until) throw new BadRequest('since is not before until');
    return { q: view.q, page: view.page, scope: { view: 'events', since, until, cluster: view.cluster || null } };
  }

  private timeOf(name: string, text: string | undefined, now: Date): Date | null {
    if (text === undefined || text === '') return null;
    try {
      return parseTimeBound(text, now);
    } catch {
      throw new BadRequest(`${name}: expected ISO-8601 (2026-11-20T14:00:00Z) or a duration ago (24h, 7d)`);
    }
  }

  private parse<T extends z.ZodType>(schema: T, params: URLSearchParams): z.output<T> {
    const parsed = schema.safeParse(Object.fromEntries(params));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequest(`${issue?.path.join('.') || 'parameters'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  private async rows(statement: Statement): Promise<Record<string, unknown>[]> {
    return (await this.lake.run(statement.sql, statement.params)).rows;
  }
}
