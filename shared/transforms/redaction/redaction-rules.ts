import { type PathSegment, parseJsonPath } from './json-path.ts';

/** Fields to redact in the bodies of some resources' requests and responses. */
export interface RedactionRule {
  /** API group, "" for core. */
  group: string;
  /** Resource patterns as in a Policy rule: `res`, `res/sub`, `*`, `*\/sub`, `res/*`. */
  resources: readonly string[];
  /**
   * Object kinds whose bodies hold these fields wherever they turn up (a Secret in a body whose
   * resource is not known, say). Built-in rules only.
   */
  kinds: readonly string[];
  paths: readonly (readonly PathSegment[])[];
}

/** kubectl keeps the whole object it applied, as JSON, in this annotation: secrets included. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The API server records each mutating webhook's JSON Patch in an audit annotation
 * `patch.webhook.admission.k8s.io/round_<r>_index_<i>` (at level Request and above), as JSON text:
 * `{"configuration":…,"webhook":…,"patch":[{"op":…,"path":…,"value":…}],"patchType":"JSONPatch"}`.
 * The patch applies to the request's object, so its values may be a Secret's.
 */
export const ADMISSION_PATCH_ANNOTATION_PREFIX = 'patch.webhook.admission.k8s.io/';

/** What kaudit always redacts unless redaction is off: values that grant access. */
export const BUILTIN_REDACTIONS: readonly RedactionRule[] = [
  { group: '', resources: ['secrets'], kinds: ['Secret', 'SecretList'], paths: paths('data', 'stringData') },
  { group: 'authentication.k8s.io', resources: ['tokenreviews'], kinds: ['TokenReview'], paths: paths('spec.token') },
  // TokenRequest is the body of the serviceaccounts/token subresource; the token comes back in status.
  { group: '', resources: ['serviceaccounts/token'], kinds: ['TokenRequest'], paths: paths('status.token') },
];

export function paths(...texts: string[]): PathSegment[][] {
  return texts.map((text) => {
    const parsed = parseJsonPath(text);
    if ('error' in parsed) throw new Error(`built-in redaction path ${text}: ${parsed.error}`);
    return parsed;
  });
}
