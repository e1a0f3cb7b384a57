import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import type { EventTransform } from '../transform.ts';
import type { AuditDecision, CompiledPolicy, Level } from './compile-policy.ts';
import { withoutManagedFields } from './managed-fields.ts';
import { requestAttributesOf } from './request-attributes.ts';

const RANK: Record<Level, number> = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 };

/** Mutating webhooks' JSON patches: the API server records them at level Request and above only. */
const PATCH_ANNOTATION_PREFIX = 'patch.webhook.admission.k8s.io/';

/**
 * The pipeline step that re-applies a policy: level None drops the event (reason `policy`), an
 * omitted stage drops it (reason `omitted_stage`), anything else is recorded as the policy asks.
 */
export function policyTransform(policy: CompiledPolicy): EventTransform {
  return (event) => {
    const decision = policy.evaluate(requestAttributesOf(event));
    if (decision.level === 'None') return { skip: 'policy' };
    if (decision.omitStages.has(event.stage)) return { skip: 'omitted_stage' };
    return applyDecision(event, decision);
  };
}

/**
 * The event as the API server would have recorded it under `decision`: bodies above the level
 * removed, `level` rewritten, managedFields dropped. A policy cannot bring back what the cluster
 * did not record, so asking for more than the recorded level keeps it and says so. The same
 * reference when nothing changes.
 */
function applyDecision(event: CanonicalEvent, decision: AuditDecision): CanonicalEvent {
  const recorded = event.level;
  const raises = recorded !== null && RANK[decision.level] > RANK[recorded];
  // An event without a (known) level may hold anything: it is bounded by the policy alone.
  const level = raises || (recorded === null && decision.level === 'RequestResponse') ? recorded : decision.level;
  const rank = RANK[level ?? 'RequestResponse'];
  let request = rank >= RANK.Request ? event.request_object : null;
  let response = rank >= RANK.RequestResponse ? event.response_object : null;
  if (decision.omitManagedFields) {
    // A patch body is the client's instructions, not an object: the API server logs it as sent.
    if (event.verb !== 'patch') request = withoutManagedFields(request);
    response = withoutManagedFields(response);
  }
  const annotations = rank >= RANK.Request ? event.annotations : withoutPatchAnnotations(event.annotations);
  if (!raises && level === recorded && request === event.request_object && response === event.response_object && annotations === event.annotations) return event;
  return {
    ...event,
    level,
    annotations,
    request_object: request,
    response_object: response,
    parse_warnings: raises
      ? [...event.parse_warnings, `policy: rules[${decision.ruleIndex}] asks for level ${decision.level}, above the recorded ${recorded}: level kept`]
      : event.parse_warnings,
  };
}

/** The annotations without the webhook patches; the same reference when there are none. */
function withoutPatchAnnotations(annotations: CanonicalEvent['annotations']): CanonicalEvent['annotations'] {
  if (annotations === null) return annotations;
  const entries = Object.entries(annotations);
  const kept = entries.filter(([key]) => !key.startsWith(PATCH_ANNOTATION_PREFIX));
  return kept.length === entries.length ? annotations : Object.fromEntries(kept);
}
