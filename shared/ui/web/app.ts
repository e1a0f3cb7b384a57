import type { Overview, TopField } from '../dashboard-sql.ts';
import { byId, cellText, el } from './dom.ts';
import { quoted, withoutGroupBy, withTerm } from './query-terms.ts';
import { drawTimeline } from './timeline.ts';
import { paramsOf, stateOf, type ViewState } from './url-state.ts';

interface ApiError {
  message: string;
  pointer?: string;
}

interface SearchPage {
  kind: 'events' | 'groups';
  columns: string[];
  rows: Record<string, unknown>[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

const TOP_TITLES: Record<TopField, string> = { user_name: 'Users', verb: 'Verbs', object_resource: 'Resources', src_ip: 'Source IPs', cluster_name: 'Clusters' };
const EVENT_COLUMNS = ['time', 'cluster_name', 'user_name', 'verb', 'object_resource', 'object_namespace', 'object_name', 'response_code', 'src_ip', 'user_agent'];
const SUMMARY_FIELDS = [
  'event_id',
  'time',
  'cluster_name',
  'user_name',
  'user_groups',
  'verb',
  'request_uri',
  'response_code',
  'outcome',
  'authz_decision',
  'src_ip',
  'user_agent',
];

const CLASS_TERMS: Record<string, string> = {
  '1xx': 'response_code >= 100 and response_code < 200',
  '2xx': 'response_code >= 200 and response_code < 300',
  '3xx': 'response_code >= 300 and response_code < 400',
  '4xx': 'response_code >= 400 and response_code < 500',
  '5xx': 'response_code >= 500 and response_code < 600',
};

let state = stateOf(location.search);
let inFlight = new AbortController();

/** Shows a new state and records it in the address (a new history entry unless `replace`). */
function navigate(change: Partial<ViewState>, replace = false): void {
  state = { ...state, page: 0, event: '', ...change };
  const search = paramsOf(state).toString();
  history[replace ? 'replaceState' : 'pushState'](null, '', search === '' ? location.pathname : `?${search}`);
  void render();
}

async function api<T>(name: string, params: URLSearchParams, signal: AbortSignal): Promise<T> {
  const response = await fetch(`/api/${name}?${params}`, { signal, headers: { Accept: 'application/json' } });
  const body = (await response.json()) as T | { error: ApiError };
  if (!response.ok) throw Object.assign(new Error('api'), { apiError: (body as { error: ApiError }).error });
  return body as T;
}

async function render(): Promise<void> {
  inFlight.abort();
  inFlight = new AbortController();
  const { signal } = inFlight;
  fillForm();
  const scope = paramsOf(state, ['q', 'since', 'until', 'cluster']);
  const failed = (error: unknown) => {
    if (signal.aborted) return;
    showError((error as { apiError?: ApiError }).apiError ?? { message: 'the dashboard could not be loaded' });
  };
  showError(null);
  document.body.dataset.loading = 'true';
  const pending = [
    api<Overview>('overview', scope, signal).then((overview) => !signal.aborted && drawOverview(overview), failed),
    api<SearchPage>('search', paramsOf(state, ['q', 'since', 'until', 'cluster', 'page']), signal).then((page) => !signal.aborted && drawResults(page), failed),
    api<{ available: boolean; rows: Record<string, unknown>[] }>('findings', scope, signal).then((findings) => !signal.aborted && drawFindings(findings), failed),
    state.event === ''
      ? Promise.resolve(drawEvent(null))
      : api<Record<string, unknown>>('event', new URLSearchParams({ id: state.event }), signal).then((event) => !signal.aborted && drawEvent(event), failed),
  ];
  await Promise.allSettled(pending);
  if (!signal.aborted) document.body.dataset.loading = 'false';
}

function fillForm(): void {
  for (const key of ['q', 'since', 'until', 'cluster'] as const) byId<HTMLInputElement>(key).value = state[key];
}

function showError(error: ApiError | null): void {
  const box = byId<HTMLPreElement>('search-error');
  box.hidden = error === null;
  box.textContent = error === null ? '' : error.pointer ? `${error.message}\n${error.pointer}` : error.message;
}

function drawOverview(overview: Overview): void {
  byId('status-classes').replaceChildren(
    ...overview.classes.map((entry) =>
      el(
        'button',
        {
          className: `status-class class-${entry.class}`,
          attrs: { type: 'button', 'data-class': entry.class, 'aria-label': `${entry.class}: ${entry.count} events; show them` },
          onClick: () => navigate({ q: withTerm(state.q, CLASS_TERMS[entry.class] ?? '') }),
        },
        el('span', { className: 'label' }, entry.class),
        el('span', { className: 'count' }, entry.count.toLocaleString('en')),
      ),
    ),
  );
  byId('status-codes').replaceChildren(
    ...overview.codes.map((entry) =>
      el(
        'button',
        { attrs: { type: 'button', 'data-code': String(entry.code) }, onClick: () => navigate({ q: withTerm(state.q, `response_code = ${entry.code}`) }) },
        `${entry.code} · ${entry.count.toLocaleString('en')}`,
      ),
    ),
  );
  drawTimeline(byId('timeline'), overview.timeline, (from, to) => navigate({ since: new Date(from).toISOString(), until: new Date(to).toISOString() }));
  byId('tops').replaceChildren(
    ...(Object.keys(TOP_TITLES) as TopField[]).map((field) =>
      el(
        'section',
        { attrs: { 'aria-label': TOP_TITLES[field], 'data-field': field } },
        el('h2', {}, TOP_TITLES[field]),
        overview.top[field].length === 0
          ? el('p', { className: 'empty' }, 'none')
          : el(
              'ul',
              { className: 'top-list' },
              ...overview.top[field].map((entry) =>
                el(
                  'li',
                  {},
                  el(
                    'button',
                    {
                      attrs: { type: 'button', title: entry.value },
                      // A cluster is the view's own parameter; anything else is a term of the query.
                      onClick: () => navigate(field === 'cluster_name' ? { cluster: entry.value } : { q: withTerm(state.q, `${field} = ${quoted(entry.value)}`) }),
                    },
                    el('span', { className: 'value' }, entry.value),
                    el('span', { className: 'count' }, entry.count.toLocaleString('en')),
                  ),
                ),
              ),
            ),
      ),
    ),
  );
}

function drawResults(page: SearchPage): void {
  const table = byId<HTMLTableElement>('results-table');
  byId('results-title').textContent = page.kind === 'groups' ? 'Groups' : 'Events';
  const first = page.page * page.pageSize;
  byId('results-summary').textContent =
    page.rows.length === 0
      ? 'Nothing found.'
      : `${page.kind === 'groups' ? 'Groups' : 'Events'} ${first + 1}–${first + page.rows.length}${page.kind === 'events' ? ', newest first' : ''}`;
  byId('page-number').textContent = `page ${page.page + 1}`;
  byId<HTMLButtonElement>('previous-page').disabled = page.page === 0;
  byId<HTMLButtonElement>('next-page').disabled = !page.hasMore;
  if (page.kind === 'groups') {
    const fields = page.columns.filter((column) => column !== 'count');
    table.replaceChildren(
      el('thead', {}, el('tr', {}, ...page.columns.map((column) => el('th', { attrs: { scope: 'col' } }, column)), el('th', {}, ''))),
      el(
        'tbody',
        {},
        ...page.rows.map((row) =>
          el(
            'tr',
            {},
            ...page.columns.map((column) => el('td', {}, cellText(row[column]))),
            el(
              'td',
              {},
              el(
                'button',
                {
                  attrs: { type: 'button' },
                  // The events of one group: the query's condition with the group's values, no groupby.
                  onClick: () => navigate({ q: fields.reduce((query, field) => withTerm(query, termOf(field, row[field])), withoutGroupBy(state.q)) }),
                },
                'events',
              ),
            ),
          ),
        ),
      ),
    );
    return;
  }
  table.replaceChildren(
    el('thead', {}, el('tr', {}, el('th', {}, ''), ...EVENT_COLUMNS.map((column) => el('th', { attrs: { scope: 'col' } }, column)))),
    el(
      'tbody',
      {},
      ...page.rows.map((row) =>
        el(
          'tr',
          { attrs: { 'data-event-id': cellText(row.event_id) } },
          el(
            'td',
            {},
            el(
              'button',
              { attrs: { type: 'button', 'aria-label': `open event ${cellText(row.event_id)}` }, onClick: () => navigate({ event: cellText(row.event_id), page: state.page }) },
              'open',
            ),
          ),
          ...EVENT_COLUMNS.map((column) => el('td', { attrs: { title: cellText(row[column]) } }, cellText(row[column]))),
        ),
      ),
    ),
  );
}

/** A group's value as a term: null is an absent field (`!= *`), anything else an exact value. */
function termOf(field: string, value: unknown): string {
  if (value === null || value === undefined) return `${field} != *`;
  return typeof value === 'number' || typeof value === 'boolean' ? `${field} = ${value}` : `${field} = ${quoted(String(value))}`;
}

function drawFindings(findings: { available: boolean; rows: Record<string, unknown>[] }): void {
  const panel = byId('findings-panel');
  panel.hidden = !findings.available;
  if (!findings.available) return;
  const columns = ['time', 'level', 'rule_title', 'user_name', 'cluster_id'];
  byId('findings-table').replaceChildren(
    el('thead', {}, el('tr', {}, el('th', {}, ''), ...columns.map((column) => el('th', { attrs: { scope: 'col' } }, column)))),
    el(
      'tbody',
      {},
      ...(findings.rows.length === 0
        ? [el('tr', {}, el('td', { className: 'empty', attrs: { colspan: String(columns.length + 1) } }, 'No findings in this range.'))]
        : findings.rows.map((row) =>
            el(
              'tr',
              {},
              el('td', {}, el('button', { attrs: { type: 'button' }, onClick: () => navigate({ event: cellText(row.event_id), page: state.page }) }, 'event')),
              ...columns.map((column) => el('td', { className: column === 'level' ? `level-${cellText(row.level)}` : '' }, cellText(row[column]))),
            ),
          )),
    ),
  );
}

function drawEvent(event: Record<string, unknown> | null): void {
  const panel = byId('event-panel');
  panel.hidden = event === null;
  if (event === null) return;
  byId('event-summary').replaceChildren(...SUMMARY_FIELDS.flatMap((field) => [el('dt', {}, field), el('dd', {}, cellText(event[field]))]));
  byId('event-json').textContent = JSON.stringify(event, null, 2);
  byId('close-event').focus();
  panel.scrollIntoView({ block: 'nearest' });
}

function start(): void {
  byId<HTMLFormElement>('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
    navigate({ q: value('q'), since: value('since'), until: value('until'), cluster: value('cluster') });
  });
  byId('reset').addEventListener('click', () => navigate({ q: '', since: '', until: '', cluster: '' }));
  byId('previous-page').addEventListener('click', () => navigate({ page: Math.max(0, state.page - 1) }));
  byId('next-page').addEventListener('click', () => navigate({ page: state.page + 1 }));
  byId('close-event').addEventListener('click', () => navigate({ event: '', page: state.page }));
  window.addEventListener('popstate', () => {
    state = stateOf(location.search);
    void render();
  });
  void render();
}

start();
