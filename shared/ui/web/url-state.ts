/** What the page shows, all of it in the address so that a link reproduces the view. */
export interface ViewState {
  q: string;
  since: string;
  until: string;
  cluster: string;
  page: number;
  /** The event_id whose details are open, or empty. */
  event: string;
}

const KEYS = ['q', 'since', 'until', 'cluster', 'page', 'event'] as const;

export function stateOf(search: string): ViewState {
  const params = new URLSearchParams(search);
  const page = Number(params.get('page') ?? '0');
  return {
    q: params.get('q') ?? '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
    cluster: params.get('cluster') ?? '',
    page: Number.isSafeInteger(page) && page > 0 ? page : 0,
    event: params.get('event') ?? '',
  };
}

/** The state as URL parameters, empty ones left out. */
export function paramsOf(state: ViewState, keys: readonly (keyof ViewState)[] = KEYS): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = state[key];
    if (value !== '' && value !== 0) params.set(key, String(value));
  }
  return params;
}
