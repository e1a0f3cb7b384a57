/** compileRules and matchEvent: a set of rule files, the rules an event fires, and a rule that throws kept apart. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { compileRules, matchEvent, RuleEvaluationError } from '../../shared/transforms/detection/rule-set.ts';
import { podObject, resourceRequest, sigmaRuleText } from './detection-builders.ts';

const EXEC_RULE = {
  path: 'rules/pod-exec.yml',
  text: sigmaRuleText(
    { selection: { verb: 'create', 'objectRef.subresource': 'exec' }, condition: 'selection' },
    { id: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', title: 'Exec Into A Pod' },
  ),
};
const SHELL_RULE = {
  path: 'rules/shell-command.yml',
  text: sigmaRuleText(
    { selection: { 'requestURI|contains': ['command=sh', 'command=bash'] }, condition: 'selection' },
    { id: '1c2d3e4f-5061-4b7c-9d8e-0f1a2b3c4d5e', title: 'Shell In Exec Command', level: 'high' },
  ),
};
const PRIVILEGED_RULE = {
  path: 'rules/privileged-pod.yml',
  text: sigmaRuleText(
    { selection: { verb: 'create', 'requestObject.spec.containers.securityContext.privileged': true }, condition: 'selection' },
    { id: '2d3e4f50-6172-4c8d-8e9f-1a2b3c4d5e6f', title: 'Privileged Pod' },
  ),
};

const EXEC = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', name: 'web-7d9f', subresource: 'exec', query: 'command=sh&container=web&stdin=true&tty=true' });

describe('compileRules', () => {
  it('loads every rule that loads and refuses the others, each with its file', () => {
    // Prepare
    const broken = {
      path: 'rules/broken.yml',
      text: sigmaRuleText({ selection: { 'verb|base64offset': 'create' }, condition: 'selection' }, { id: '3e4f5061-7283-4d9e-9fa0-2b3c4d5e6f70' }),
    };

    // Act
    const { rules, refusals } = compileRules([EXEC_RULE, broken, SHELL_RULE]);

    // Assess
    expect({ loaded: rules.all.map((rule) => rule.path), refused: refusals.map((refusal) => refusal.path) }).toEqual({
      loaded: ['rules/pod-exec.yml', 'rules/shell-command.yml'],
      refused: ['rules/broken.yml'],
    });
  });

  it('refuses a second rule with an id already taken, naming the first file', () => {
    // Prepare
    const copy = { path: 'rules/copy-of-pod-exec.yml', text: EXEC_RULE.text };

    // Act
    const { rules, refusals } = compileRules([EXEC_RULE, copy]);

    // Assess
    expect({ loaded: rules.all.length, refusals }).toEqual({
      loaded: 1,
      refusals: [
        {
          path: 'rules/copy-of-pod-exec.yml',
          problems: ['id 0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d is already the id of rules/pod-exec.yml: findings name rules by id, so each needs its own'],
        },
      ],
    });
  });
});

describe('matchEvent', () => {
  const { rules } = compileRules([EXEC_RULE, PRIVILEGED_RULE, SHELL_RULE]);

  it('gives the rules the event fires, in the order of the set', () => {
    // Act
    const { matched, failed } = matchEvent(rules, EXEC);

    // Assess
    expect({ matched: matched.map((rule) => rule.title), failed }).toEqual({ matched: ['Exec Into A Pod', 'Shell In Exec Command'], failed: [] });
  });

  it('gives no rule for an event none fires', () => {
    // Prepare
    const list = resourceRequest({ verb: 'list', resource: 'pods', namespace: 'shop' });

    // Act
    const { matched } = matchEvent(rules, list);

    // Assess
    expect(matched).toEqual([]);
  });

  it('reports a rule that throws, and still evaluates the others', () => {
    // Prepare: a request body whose reading throws stands for any defect met while matching
    const created = resourceRequest({
      verb: 'create',
      resource: 'pods',
      namespace: 'shop',
      name: 'web',
      subresource: 'exec',
      query: 'command=sh',
      requestObject: podObject('web', 'shop'),
    });
    const hostile: CanonicalEvent = {
      ...created,
      request_object: Object.defineProperty({}, 'spec', {
        enumerable: true,
        get() {
          throw new TypeError('token eyJhbGciOi… is not readable');
        },
      }),
    };

    // Act
    const { matched, failed } = matchEvent(rules, hostile);

    // Assess
    expect({
      matched: matched.map((rule) => rule.title),
      failed: failed.map((error) => ({ isEvaluationError: error instanceof RuleEvaluationError, rule: error.rule.title, message: error.message, cause: error.cause })),
    }).toEqual({
      matched: ['Exec Into A Pod', 'Shell In Exec Command'],
      failed: [
        {
          isEvaluationError: true,
          rule: 'Privileged Pod',
          message: `rule 2d3e4f50-6172-4c8d-8e9f-1a2b3c4d5e6f (rules/privileged-pod.yml) failed on event ${created.event_id}: TypeError`,
          cause: expect.any(TypeError),
        },
      ],
    });
  });
});

describe('the rule index', () => {
  const SECRETS_RULE = {
    path: 'rules/secret-deleted.yml',
    text: sigmaRuleText(
      { selection: { verb: 'delete', 'objectRef.resource': 'secrets' }, condition: 'selection' },
      { id: '4f506172-8394-4eaf-a0b1-3c4d5e6f7081', title: 'Secret Deleted' },
    ),
  };
  const { rules } = compileRules([EXEC_RULE, SECRETS_RULE, SHELL_RULE]);

  it('evaluates an event only against the rules that name its resource or verb, and those that name neither', () => {
    // Prepare
    const secretDeleted = resourceRequest({ verb: 'delete', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key' });

    // Act
    const candidates = [rules.candidatesFor(EXEC), rules.candidatesFor(secretDeleted)].map((list) => list.map((rule) => rule.title));

    // Assess: the exec rule names verb create, the secrets rule resource secrets, the shell rule neither
    expect(candidates).toEqual([
      ['Exec Into A Pod', 'Shell In Exec Command'],
      ['Secret Deleted', 'Shell In Exec Command'],
    ]);
  });
});
