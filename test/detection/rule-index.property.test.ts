/**
 * The rule index over every column it reads (resource, subresource, verb, kind of user, outcome,
 * cluster): matching through it fires exactly the rules that evaluating every rule fires, whatever
 * the case and spelling of the values, and for the built-in pack on any event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { compileRules, matchEvent } from '../../shared/transforms/detection/rule-set.ts';
import { canonicalEvent, sigmaRuleText } from './detection-builders.ts';
import { PACK } from './pack-builders.ts';

const BASE = canonicalEvent();

/** Values of each indexed column, with other cases and a long s (ſ), which folds to s. */
const VALUES = {
  object_resource: ['pods', 'Pods', 'ſecrets', 'secrets', 'deployments', null],
  object_subresource: ['exec', 'EXEC', 'token', null],
  verb: ['get', 'create', 'Create', 'patch', 'delete'],
  user_type: ['user', 'service_account', 'node', 'system', 'anonymous', null],
  outcome: ['success', 'failure', 'unknown'],
  cluster_name: ['prod-eu', 'PROD-EU', 'staging', null],
} as const;
const FIELDS = {
  object_resource: 'objectRef.resource',
  object_subresource: 'objectRef.subresource',
  verb: 'verb',
  user_type: 'user_type',
  outcome: 'outcome',
  cluster_name: 'cluster_name',
} as const;
type Column = keyof typeof VALUES;
const COLUMNS = Object.keys(VALUES) as Column[];

const entry = fc
  .constantFrom(...COLUMNS)
  .chain((column) =>
    fc.tuple(
      fc.constant(FIELDS[column]),
      fc.constantFrom('', '|cased', '|startswith'),
      fc.oneof(fc.constantFrom(...VALUES[column]), fc.uniqueArray(fc.constantFrom(...VALUES[column].filter((value) => value !== null)), { minLength: 2, maxLength: 3 })),
    ),
  )
  .filter(([, modifier, value]) => modifier === '' || value !== null);
const selection = fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries.map(([field, modifier, value]) => [`${field}${modifier}`, value])));
const detection = fc.record({
  selection: fc.oneof(selection, fc.array(selection, { minLength: 2, maxLength: 3 })),
  filter: selection,
  condition: fc.constantFrom('selection', 'not selection', 'selection or filter', 'selection and not filter', 'all of them'),
});
const event = fc
  .record(Object.fromEntries(COLUMNS.map((column) => [column, fc.constantFrom(...VALUES[column])])) as Record<Column, fc.Arbitrary<string | null>>)
  .map((values) => ({ ...BASE, ...values }) as CanonicalEvent);

describe('the rule index, over every column it reads', () => {
  it('fires exactly the rules that match when every rule is evaluated', () => {
    fc.assert(
      fc.property(fc.array(detection, { minLength: 1, maxLength: 6 }), fc.array(event, { minLength: 1, maxLength: 8 }), (detections, events) => {
        const sources = detections.map((rule, index) => ({
          path: `rules/${index}.yml`,
          text: sigmaRuleText(rule, { id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}` }),
        }));
        const { rules, refusals } = compileRules(sources);
        expect(refusals).toEqual([]);
        for (const candidate of events) expect(matchEvent(rules, candidate).matched).toEqual(rules.all.filter((rule) => rule.matches(candidate)));
      }),
      { numRuns: 200 },
    );
  });

  it('fires, for the built-in pack, exactly what evaluating every pack rule fires', () => {
    fc.assert(
      fc.property(
        event,
        fc.constantFrom(null, 'system:anonymous', 'system:serviceaccount:shop:web'),
        fc.constantFrom<string[] | null>(null, ['203.0.113.7'], ['10.0.0.9']),
        (candidate, userName, sourceIps) => {
          const withActor: CanonicalEvent = { ...candidate, user_name: userName, source_ips: sourceIps, src_ip: sourceIps?.[0] ?? null, src_peer_ip: sourceIps?.at(-1) ?? null };
          expect(matchEvent(PACK, withActor).matched).toEqual(PACK.all.filter((rule) => rule.matches(withActor)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
