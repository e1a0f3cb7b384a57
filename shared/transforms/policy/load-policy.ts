import { parseConfigDocument } from '../../core/config-document.ts';
import { type CompiledPolicy, compilePolicy } from './compile-policy.ts';
import { PolicySchema } from './policy-schema.ts';

export interface LoadedPolicy {
  policy: CompiledPolicy;
  /** Accepted, but probably not meant: fields the API server would ignore. */
  warnings: string[];
}

/**
 * Reads an audit.k8s.io/v1 Policy from YAML or JSON text and compiles it. Throws a ConfigError
 * listing every problem, each naming its field path (`rules[2].level: …`).
 */
export function loadPolicy(text: string, source: string): LoadedPolicy {
  const { value, warnings } = parseConfigDocument(text, source, PolicySchema);
  return { policy: compilePolicy(value), warnings };
}
