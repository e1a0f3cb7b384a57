import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { sha256Bytes } from '../../core/digest.ts';

/** Shortest accepted token: a bearer token is the only credential, so it must not be guessable. */
const MIN_TOKEN_LENGTH = 16;

/** The cluster a token writes as. */
const ClusterIdentitySchema = z.strictObject({
  cluster_name: z.string().min(1),
  /** Defaults to the name. */
  cluster_id: z.string().min(1).optional(),
});
export type ClusterIdentity = { cluster_name: string; cluster_id: string };

/** `{"<token>": {"cluster_name": "...", "cluster_id": "..."}}` (docs/contracts.md#webhook-tokens). */
export const WebhookTokensSchema = z.record(z.string(), ClusterIdentitySchema).superRefine((tokens, context) => {
  const keys = Object.keys(tokens);
  if (keys.length === 0) context.addIssue({ code: 'custom', message: 'no tokens: the receiver would accept no cluster' });
  keys.forEach((token, index) => {
    if (token.length < MIN_TOKEN_LENGTH) {
      context.addIssue({ code: 'custom', message: `token ${index + 1} has ${token.length} characters: tokens must be at least ${MIN_TOKEN_LENGTH}` });
    }
  });
});

/**
 * Bearer tokens and the cluster each may write as. Lookups compare SHA-256 digests with
 * `timingSafeEqual` against every entry, so neither a token's content nor its position leaks
 * through response time.
 */
export class TokenTable {
  private readonly entries: { digest: Buffer; identity: ClusterIdentity }[];

  constructor(tokens: z.infer<typeof WebhookTokensSchema>) {
    this.entries = Object.entries(tokens).map(([token, identity]) => ({
      digest: sha256Bytes(token),
      identity: { cluster_name: identity.cluster_name, cluster_id: identity.cluster_id ?? identity.cluster_name },
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The cluster of a token, or null. */
  identify(token: string): ClusterIdentity | null {
    const presented = sha256Bytes(token);
    let found: ClusterIdentity | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && found === null) found = entry.identity;
    }
    return found;
  }
}

/** Reads a tokens document; `source` (a file path or a setting name) names it in errors. */
export function parseTokenTable(text: string, source: string): TokenTable {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error, which may be a token.
    throw new Error(`${source}: tokens are not valid JSON`);
  }
  const parsed = WebhookTokensSchema.safeParse(document);
  if (!parsed.success) {
    // Tokens are secrets: an issue names the token by its position, never by its text.
    const keys = typeof document === 'object' && document !== null ? Object.keys(document) : [];
    const where = (path: PropertyKey[]) => path.map((key, index) => (index === 0 ? `token ${keys.indexOf(String(key)) + 1}` : String(key))).join('.');
    const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${where(issue.path)}: ${issue.message}` : issue.message));
    throw new Error(`${source}: expected {"<token>": {"cluster_name": "...", "cluster_id": "..."}}: ${problems.join('; ')}`);
  }
  return new TokenTable(parsed.data);
}

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match ? (match[1] as string) : null;
}
