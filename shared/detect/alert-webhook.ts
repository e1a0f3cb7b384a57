/**
 * Findings posted to a webhook as JSON (`kaudit detect --alert-webhook`): one POST of
 * `{"findings": [...]}` (each a finding as stored), answered 2xx or it failed. The URL may carry a
 * token in its query or user part, so messages name only its origin and path.
 */
import type { Finding } from '../schema/finding.ts';

const TIMEOUT_MS = 10_000;

export async function postFindings(target: URL, findings: readonly Finding[], fetchImpl: typeof fetch = fetch): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ findings }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`alert webhook ${shown(target)}: no answer (${error instanceof Error ? error.name : 'error'})`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`alert webhook ${shown(target)}: answered ${response.status}`);
}

/** The webhook's URL, checked before anything runs. */
export function alertWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('not a URL (expected http:// or https://)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${url.protocol} is not http: or https:`);
  return url;
}

function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
