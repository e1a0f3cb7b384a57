/** Loading a rule file: what a loaded rule keeps, and every way a file is refused, each naming what is wrong. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRule } from '../../shared/transforms/detection/load-rule.ts';
import { refusalMessage } from '../../shared/transforms/detection/rule-refusal.ts';
import { RULE_PATH, refusalOf, ruleOf, sigmaRule, sigmaRuleText } from './detection-builders.ts';

const EXEC_SELECTION = { selection: { verb: 'create', 'objectRef.resource': 'pods', 'objectRef.subresource': 'exec' }, condition: 'selection' };

/** The refusal's problems as one text. */
const problemsOf = (detection: Record<string, unknown> | string, overrides: Record<string, unknown> = {}) => refusalOf(detection, overrides).problems.join('; ');

describe('a loaded rule', () => {
  it('keeps id, title, level, status, description, author, tags, references and false positives', () => {
    // Act
    const rule = ruleOf(EXEC_SELECTION);

    // Assess
    expect(rule).toMatchObject({
      path: RULE_PATH,
      id: '5f0c7c1e-2f4b-4f59-9a51-3d2a1b0c9e77',
      title: 'Exec Into A Pod',
      level: 'medium',
      status: 'test',
      description: 'Detects a shell opened in a running container with kubectl exec.',
      author: 'platform-security',
      tags: ['attack.execution', 'attack.t1609'],
      references: ['https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/'],
      falsepositives: ['Debugging by the on-call engineer'],
    });
  });

  it('gives absent optional attributes as null or empty lists', () => {
    // Prepare
    const { status, description, author, tags, references, falsepositives, ...required } = sigmaRule(EXEC_SELECTION);

    // Act
    const rule = ruleOf(stringify(required));

    // Assess
    expect(rule).toMatchObject({ status: null, description: null, author: null, tags: [], references: [], falsepositives: [] });
  });

  it('takes a single false positive written as text', () => {
    // Act
    const rule = ruleOf(EXEC_SELECTION, { falsepositives: 'Unknown' });

    // Assess
    expect(rule.falsepositives).toEqual(['Unknown']);
  });

  it('accepts a logsource category beside product and service', () => {
    // Act
    const rule = ruleOf(EXEC_SELECTION, { logsource: { category: 'application', product: 'kubernetes', service: 'audit' } });

    // Assess
    expect(rule.title).toBe('Exec Into A Pod');
  });
});

describe('a refusal', () => {
  it('names the file', () => {
    // Act
    const refusal = refusalOf(EXEC_SELECTION, { logsource: { product: 'windows', service: 'security' } });

    // Assess
    expect(refusalMessage(refusal)).toMatch(/^rules\/pod-exec\.yml: /);
  });

  it('of another log source says which', () => {
    // Act
    const message = problemsOf(EXEC_SELECTION, { logsource: { product: 'windows', category: 'process_creation' } });

    // Assess
    expect(message).toBe('logsource is product windows, category process_creation: kaudit evaluates rules for product kubernetes, service audit only');
  });

  it('of a correlation rule names correlation', () => {
    // Prepare
    const text = stringify({
      title: 'Many exec',
      id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
      correlation: { type: 'event_count', rules: ['pod-exec'], 'group-by': ['user.username'], timespan: '10m', condition: { gte: 5 } },
    });

    // Act
    const message = problemsOf(text);

    // Assess
    expect(message).toMatch(/^correlation rules \(correlation:\) are not supported/);
  });

  it('of a Sigma filter names filters', () => {
    // Prepare
    const text = stringify({
      title: 'CI exclusion',
      id: '2c3d4e5f-6071-4b8c-9dae-1f2a3b4c5d6e',
      logsource: { product: 'kubernetes', service: 'audit' },
      filter: { rules: ['pod-exec'], selection: { 'user.username': 'ci' }, condition: 'not selection' },
    });

    // Act
    const message = problemsOf(text);

    // Assess
    expect(message).toMatch(/^Sigma filters \(filter:\) are not supported/);
  });

  it('of timeframe names it', () => {
    // Act
    const message = problemsOf({ ...EXEC_SELECTION, timeframe: '5m' });

    // Assess
    expect(message).toMatch(/^detection\.timeframe is not supported/);
  });

  it('of a file with two YAML documents says rule collections are not supported', () => {
    // Prepare
    const text = `${sigmaRuleText(EXEC_SELECTION)}---\n${sigmaRuleText(EXEC_SELECTION)}`;

    // Act
    const message = problemsOf(text);

    // Assess
    expect(message).toMatch(/^the file holds 2 YAML documents: rule collections are not supported/);
  });

  it("of text that is no YAML gives the parser's line and column", () => {
    // Act
    const message = problemsOf('title: Exec\ndetection: {selection: [\n');

    // Assess
    expect(message).toMatch(/^YAML: .*line \d+, column \d+/);
  });

  it('of a selection name given twice, as YAML forbids duplicate keys', () => {
    // Prepare
    const text = sigmaRuleText(EXEC_SELECTION).replace('  condition: selection', '  selection:\n    verb: delete\n  condition: selection');

    // Act
    const message = problemsOf(text);

    // Assess
    expect(message).toMatch(/^YAML: Map keys must be unique/);
  });

  it('of a document that is no map', () => {
    // Act
    const message = problemsOf('- title: Exec\n');

    // Assess
    expect(message).toMatch(/^expected a Sigma rule: a YAML map/);
  });

  it('lists each missing or malformed attribute by name', () => {
    // Prepare
    const { id, level, ...rest } = sigmaRule(EXEC_SELECTION);

    // Act
    const problems = refusalOf(stringify({ ...rest, level: 'severe' })).problems;

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^id: required/), expect.stringMatching(/^level: .*"informational"/)]);
  });

  it('of an id that is no UUID says findings need it', () => {
    // Act
    const message = problemsOf(EXEC_SELECTION, { id: 'pod-exec' });

    // Assess
    expect(message).toBe('id: expected a UUID: findings name the rule by it');
  });

  it('of a keyword selection says field-less search is not supported', () => {
    // Act
    const messages = [problemsOf({ keywords: ['/bin/sh', 'nsenter'], condition: 'keywords' }), problemsOf({ keywords: 'nsenter', condition: 'keywords' })];

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/^detection\.keywords: keyword \(field-less\) search is not supported/),
      expect.stringMatching(/^detection\.keywords: keyword \(field-less\) search is not supported/),
    ]);
  });

  it('of a field-less key with modifiers says field-less search is not supported', () => {
    // Act
    const message = problemsOf({ keywords: { '|all': ['nsenter', '--target 1'] }, condition: 'keywords' });

    // Assess
    expect(message).toMatch(/^detection\.keywords\.\|all: field-less \(keyword\) search is not supported/);
  });

  it('of an empty selection', () => {
    // Act
    const messages = [problemsOf({ selection: {}, condition: 'selection' }), problemsOf({ selection: [], condition: 'selection' })];

    // Assess
    expect(messages).toEqual(['detection.selection: an empty map selects nothing', 'detection.selection: an empty list selects nothing']);
  });

  it('reports every problem of the rule, each where it is', () => {
    // Act
    const problems = refusalOf({
      selection: { 'verb|base64': 'create', 'objectRef.resource|re': '(pods' },
      filter: [{ 'sourceIPs|cidr': '10.0.0.0/33' }],
      condition: 'selection and not filters',
    }).problems;

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^detection\.selection\.verb\|base64: modifier "base64" \(an encoding\) is not supported/),
      expect.stringMatching(/^detection\.selection\.objectRef\.resource\|re: re "\(pods" does not compile as a JavaScript regular expression/),
      expect.stringMatching(/^detection\.filter\[0\]\.sourceIPs\|cidr: cidr "10\.0\.0\.0\/33": the prefix length must be a whole number from 0 to 32/),
      expect.stringMatching(/^condition names "filters", which is no selection of detection/),
    ]);
  });
});

describe('fields a rule cannot use', () => {
  it('an unknown field, with the Event path it probably means', () => {
    // Act
    const message = problemsOf({ selection: { verb: 'create', apiGroup: 'authorization.k8s.io' }, condition: 'selection' });

    // Assess
    expect(message).toBe('detection.selection.apiGroup: unknown field "apiGroup": not an audit Event field; did you mean "objectRef.apiGroup"?');
  });

  it('an unknown field with no likely meaning points to requestObject', () => {
    // Act
    const message = problemsOf({ selection: { hostPath: '*' }, condition: 'selection' });

    // Assess
    expect(message).toMatch(/unknown field "hostPath": .*fields of the object sent are under requestObject\./);
  });

  it('an unknown part of a known Event object lists the parts there are', () => {
    // Act
    const message = problemsOf({ selection: { 'objectRef.kind': 'Pod' }, condition: 'selection' });

    // Assess
    expect(message).toMatch(/unknown field "objectRef\.kind": the audit Event's objectRef has resource, subresource, namespace, name/);
  });

  it('an Event field the canonical event does not keep', () => {
    // Act
    const message = problemsOf({ selection: { 'impersonatedUser.uid': '42' }, condition: 'selection' });

    // Assess
    expect(message).toMatch(/field "impersonatedUser\.uid" is not kept by kaudit's canonical event/);
  });

  it('a whole Event object, listing the fields to name instead', () => {
    // Act
    const message = problemsOf({ selection: { 'objectRef|exists': false }, condition: 'selection' });

    // Assess
    expect(message).toMatch(/field "objectRef" is an object: name one of its fields \(resource, subresource, .*\) \(is_resource_request says whether the event has one\)/);
  });

  it('a body path with an empty segment', () => {
    // Act
    const message = problemsOf({ selection: { 'requestObject.spec..hostPID': true }, condition: 'selection' });

    // Assess
    expect(message).toMatch(/field "requestObject\.spec\.\.hostPID" has an empty path segment/);
  });

  it('a key prefix with nothing after it', () => {
    // Act
    const message = problemsOf({ selection: { 'annotations.': 'x' }, condition: 'selection' });

    // Assess
    expect(message).toMatch(/field "annotations\." ends with a dot: name a key after "annotations\."/);
  });
});

describe('modifiers and values a rule cannot use', () => {
  const refusedEntry = (key: string, value: unknown) => problemsOf({ selection: { [key]: value }, condition: 'selection' });

  it.each(['base64offset', 'utf16le', 'wide', 'windash', 'neq'])('the Sigma modifier %s, by name', (modifier) => {
    // Act
    const message = refusedEntry(`userAgent|${modifier}`, 'kubectl');

    // Assess
    expect(message).toMatch(new RegExp(`modifier "${modifier}" \\(.+\\) is not supported \\(supported: contains, startswith`));
  });

  it('an unknown modifier', () => {
    // Act
    const message = refusedEntry('userAgent|contain', 'kubectl');

    // Assess
    expect(message).toMatch(/unknown modifier "contain" \(supported: /);
  });

  it('two value modifiers together', () => {
    // Act
    const message = refusedEntry('userAgent|contains|endswith', 'kubectl');

    // Assess
    expect(message).toMatch(/modifiers "contains" and "endswith" cannot be combined/);
  });

  it('a modifier given twice', () => {
    // Act
    const message = refusedEntry('userAgent|contains|contains', 'kubectl');

    // Assess
    expect(message).toMatch(/modifier "contains" is given twice/);
  });

  it('i, m or s without re', () => {
    // Act
    const message = refusedEntry('userAgent|contains|i', 'kubectl');

    // Assess
    expect(message).toMatch(/modifier "i" applies to "re" only/);
  });

  it('cased with re, cidr or a comparison', () => {
    // Act
    const messages = [refusedEntry('userAgent|re|cased', '^kubectl'), refusedEntry('src_ip|cidr|cased', '10.0.0.0/8')];

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/"cased" applies to plain, contains, startswith, endswith and fieldref matches, not "re" \(re is case-sensitive unless "i"\)/),
      expect.stringMatching(/not "cidr"$/),
    ]);
  });

  it('all with a single value', () => {
    // Act
    const message = refusedEntry('userAgent|contains|all', 'kubectl');

    // Assess
    expect(message).toMatch(/modifier "all" needs a list of two or more values/);
  });

  it('exists with anything but one boolean', () => {
    // Act
    const messages = [refusedEntry('objectRef.namespace|exists', 'yes'), refusedEntry('objectRef.namespace|exists', [true, false])];

    // Assess
    expect(messages).toEqual([expect.stringMatching(/exists takes boolean values, got "yes"/), expect.stringMatching(/"exists" takes a single true or false, not a list/)]);
  });

  it('a comparison with a bound that is no number', () => {
    // Act
    const message = refusedEntry('responseStatus.code|gte', 'four hundred');

    // Assess
    expect(message).toMatch(/gte compares numbers, got "four hundred"/);
  });

  it('null with a modifier', () => {
    // Act
    const message = refusedEntry('userAgent|contains', null);

    // Assess
    expect(message).toMatch(/contains takes string or number values, got null/);
  });

  it('a map or a nested list as a value', () => {
    // Act
    const messages = [refusedEntry('userAgent', { startswith: 'kubectl' }), refusedEntry('userAgent', [['kubectl']])];

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/values must be strings, numbers, booleans or null, got \{"startswith":"kubectl"\}/),
      expect.stringMatching(/got \["kubectl"\]/),
    ]);
  });

  it('an empty list of values', () => {
    // Act
    const message = refusedEntry('verb', []);

    // Assess
    expect(message).toMatch(/an empty list of values matches nothing/);
  });

  it('a value that can never match a number field', () => {
    // Act
    const messages = [refusedEntry('responseStatus.code', 'ALLOW'), refusedEntry('responseStatus.code', true), refusedEntry('responseStatus.code|cidr', '10.0.0.0/8')];

    // Assess
    expect(messages).toEqual([
      'detection.selection.responseStatus.code: value "ALLOW" can never match: the field holds numbers',
      'detection.selection.responseStatus.code: value true can never match: the field holds numbers',
      'detection.selection.responseStatus.code|cidr: "cidr" can never match: the field holds numbers',
    ]);
  });

  it('a value that can never match a boolean field', () => {
    // Act
    const messages = [refusedEntry('is_resource_request', 'yes'), refusedEntry('is_truncated|gt', 0)];

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/value "yes" can never match: the field holds true or false/),
      expect.stringMatching(/"gt" can never match: the field holds true or false/),
    ]);
  });

  it('a network that is no CIDR', () => {
    // Act
    const messages = [refusedEntry('src_ip|cidr', '10.0.0/8'), refusedEntry('src_ip|cidr', '2001:db8::/129')];

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/cidr "10\.0\.0\/8" is not an IPv4 or IPv6 network/),
      expect.stringMatching(/prefix length must be a whole number from 0 to 128/),
    ]);
  });
});

describe('rule files as they come', () => {
  it('a file whose YAML is a plain scalar', () => {
    // Act
    const loaded = loadRule(RULE_PATH, 'just text');

    // Assess
    expect(loaded).toEqual({ ok: false, refusal: { path: RULE_PATH, problems: [expect.stringMatching(/^expected a Sigma rule/)] } });
  });

  it('an empty file, or one holding only comments', () => {
    // Act
    const results = [loadRule(RULE_PATH, ''), loadRule(RULE_PATH, '# TODO: exec rule\n')];

    // Assess
    expect(results).toEqual([
      { ok: false, refusal: { path: RULE_PATH, problems: ['the file holds no YAML document'] } },
      { ok: false, refusal: { path: RULE_PATH, problems: ['the file holds no YAML document'] } },
    ]);
  });
});
