import { SETTINGS } from '../../core/settings.ts';
import type { KeyPattern, PathSegment } from './json-path.ts';
import { paths, type RedactionRule } from './redaction-rules.ts';
import type { RedactorOptions } from './redactor.ts';

/**
 * Redactions beyond the built-in fields, chosen with KAUDIT_REDACTION_EXTRAS (docs/redaction.md):
 *
 * - `nested-secrets`: objects of a redacted kind (Secrets) in the items of a `kind: List` body and
 *   in watch-event wrappers (`{"type": "ADDED", "object": {…}}`), under any resource;
 * - `query-params`: values of credential query parameters (`?token=`) in the request URI and in
 *   the response status message;
 * - `configmap-passwords`: ConfigMap `data`/`binaryData` values whose key names a credential;
 * - `external-secrets`: the templates of external-secrets.io ExternalSecrets, which may inline
 *   secret data.
 */
const REDACTION_EXTRAS = ['nested-secrets', 'query-params', 'configmap-passwords', 'external-secrets'] as const;
export type RedactionExtra = (typeof REDACTION_EXTRAS)[number];

/**
 * On unless switched off: both are cheap (a property test per body, a pattern over the URI) and
 * what they redact is a credential whatever the cluster. The others change what analysts see of
 * objects that are usually not secret, so a cluster asks for them.
 */
export const DEFAULT_EXTRAS: readonly RedactionExtra[] = ['nested-secrets', 'query-params'];

/**
 * Query parameters whose value is a credential: bearer and OAuth tokens, passwords, API keys, and
 * the signatures of pre-signed URLs (S3's, Azure's SAS), which grant access as a token does.
 */
const CREDENTIAL_QUERY_PARAMETERS: readonly string[] = [
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'auth_token',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'sig',
];

/** ConfigMap keys that name a credential: `password`, `db_passwd`, `api-token`, `tls.key`, `id_rsa`, … */
const CREDENTIAL_KEY: KeyPattern = { keys: /pass(?:word|wd)|secret|token|credential|private[-_.]?key|api[-_.]?key|\.key$|^id_(?:rsa|dsa|ecdsa|ed25519)$/i };
const CONFIGMAP_PATHS: PathSegment[][] = [
  ['data', CREDENTIAL_KEY],
  ['binaryData', CREDENTIAL_KEY],
];

const EXTRA_RULES: Partial<Record<RedactionExtra, RedactionRule>> = {
  'configmap-passwords': { group: '', resources: ['configmaps'], kinds: ['ConfigMap', 'ConfigMapList'], paths: CONFIGMAP_PATHS },
  'external-secrets': {
    group: 'external-secrets.io',
    resources: ['externalsecrets', 'clusterexternalsecrets'],
    kinds: ['ExternalSecret', 'ClusterExternalSecret'],
    paths: paths(
      'spec.target.template.data',
      'spec.target.template.templateFrom[*].literal',
      'spec.externalSecretSpec.target.template.data',
      'spec.externalSecretSpec.target.template.templateFrom[*].literal',
    ),
  },
};

/**
 * The extras a setting asks for: the defaults, plus each name listed, less each name listed with a
 * leading `-` (`configmap-passwords,-query-params`). Throws naming the setting on an unknown name.
 */
export function parseRedactionExtras(setting: string | null | undefined): ReadonlySet<RedactionExtra> {
  const extras = new Set<RedactionExtra>(DEFAULT_EXTRAS);
  for (const entry of (setting ?? '').split(',')) {
    const item = entry.trim();
    if (item === '') continue;
    const off = item.startsWith('-');
    const name = off ? item.slice(1) : item;
    if (!isExtra(name)) {
      throw new Error(
        `${SETTINGS.redactionExtras}: unknown extra ${JSON.stringify(name)}: expected a comma-separated list of ${REDACTION_EXTRAS.join(', ')} (a leading "-" switches a default off)`,
      );
    }
    if (off) extras.delete(name);
    else extras.add(name);
  }
  return extras;
}

/** The rules and redactor options the chosen extras add to the built-in ones. */
export function extrasRedaction(extras: ReadonlySet<RedactionExtra>): { rules: RedactionRule[]; options: RedactorOptions } {
  return {
    rules: [...extras].flatMap((extra) => EXTRA_RULES[extra] ?? []),
    options: {
      nestedObjects: extras.has('nested-secrets'),
      queryParameters: extras.has('query-params') ? CREDENTIAL_QUERY_PARAMETERS : [],
    },
  };
}

function isExtra(name: string): name is RedactionExtra {
  return (REDACTION_EXTRAS as readonly string[]).includes(name);
}
