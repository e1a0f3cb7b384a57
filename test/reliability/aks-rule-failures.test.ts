import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { logRuleFailureInInvocation } from '../../functions/aks-eventhub/create-handler.ts';
import type { FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import { RULE_FAILURE_LOG_FIELD } from '../../shared/runtime/metric-names.ts';
import { RuleEvaluationError } from '../../shared/transforms/detection/rule-set.ts';
import { ruleOf } from '../detection/detection-builders.ts';
import { aksRecord, auditEvent, eventHubBody } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { aksFunction, testRuntime, triggerMetadataFor } from './helpers/platforms.ts';

const RULE = ruleOf({ selection: { verb: 'create' }, condition: 'selection' });

/** The test runtime, with a detector whose rule throws on every event, reported as the function reports it. */
function runtimeWithFailingRule(): FunctionRuntime {
  const runtime = testRuntime(new MemoryObjectStore(), 'westeurope');
  const detector = (event: { audit_id: string }) => {
    logRuleFailureInInvocation(new RuleEvaluationError(RULE, event.audit_id, new TypeError('unreadable')));
    return [];
  };
  return { ...runtime, pipeline: { ...runtime.pipeline, detector } };
}

/** An invocation of the AKS function over events with these audit ids, and the error lines it logged. */
function invocation(id: string, auditIds: string[]) {
  const bodies = [JSON.stringify(eventHubBody(auditIds.map((auditID) => aksRecord(auditEvent({ auditID })))))];
  const errors: string[] = [];
  const context = new InvocationContext({
    invocationId: id,
    functionName: 'kaudit-aks-audit',
    triggerMetadata: triggerMetadataFor(bodies, 100) as unknown as Record<string, unknown>,
    retryContext: { retryCount: 0, maxRetryCount: 8 },
    logHandler: (level, ...args) => {
      if (level === 'error') errors.push(args.join(' '));
    },
  });
  return { bodies, context, errors: () => errors.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('a rule failing in the AKS function', () => {
  it('is logged through the invocation it failed in, even with invocations running at once', async () => {
    // Prepare
    const handler = aksFunction(runtimeWithFailingRule(), null);
    const first = invocation('invocation-1', ['first-a', 'first-b']);
    const second = invocation('invocation-2', ['second-a']);

    // Act
    await Promise.all([handler(first.bodies, first.context), handler(second.bodies, second.context)]);

    // Assess
    const failedOn = (lines: Record<string, unknown>[]) => lines.map((line) => String(line.message).match(/event (\S+):/)?.[1]);
    expect(first.errors().every((line) => line[RULE_FAILURE_LOG_FIELD] === 1 && line.ruleId === RULE.id)).toBe(true);
    expect(failedOn(first.errors()).sort()).toEqual(['first-a', 'first-b']);
    expect(failedOn(second.errors())).toEqual(['second-a']);
  });
});
