/**
 * The built-in rule pack as a whole: every rule loads with no refusal and says what a finding
 * needs (a unique UUID, ATT&CK technique and tactic, level, status, description, false positives,
 * references); the loader disables rules by id and compiles the approved-networks rule per cluster.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { APPROVED_NETWORKS_RULE_PATH, builtInRules, compileBuiltInPack, parseDisabledRules } from '../../shared/transforms/detection/built-in-pack.ts';
import { BUILT_IN_RULE_FILES } from '../../shared/transforms/detection/pack/built-in-rules.generated.ts';
import { compileRules } from '../../shared/transforms/detection/rule-set.ts';
import { execRequest } from './pack-builders.ts';

/** ATT&CK's enterprise tactics, as Sigma tags write them. */
const TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
];
const TECHNIQUE = /^attack\.t\d{4}(\.\d{3})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The approved-networks rule needs its placeholders to compile; any values do for these checks. */
const { rules, refusals } = compileRules(BUILT_IN_RULE_FILES, {
  placeholders: new Map([
    ['cluster_name', ['prod-eu']],
    ['approved_networks', ['10.0.0.0/8']],
  ]),
});
const DOCUMENTS = BUILT_IN_RULE_FILES.map(({ path, text }) => ({ path, document: parseYaml(text) as Record<string, unknown> }));

describe('the built-in rule pack', () => {
  it('loads every rule file, refusing none', () => {
    // Assess
    expect({ loaded: rules.all.length, refusals }).toEqual({ loaded: BUILT_IN_RULE_FILES.length, refusals: [] });
  });

  it('gives every rule its own random UUID', () => {
    // Act
    const ids = rules.all.map((rule) => rule.id);

    // Assess
    expect({ allUuids: ids.every((id) => UUID.test(id)), distinct: new Set(ids).size }).toEqual({ allUuids: true, distinct: ids.length });
  });

  it.each(rules.all.map((rule) => ({ path: rule.path, rule })))('$path is tagged with an ATT&CK technique and tactic', ({ rule }) => {
    // Assess
    expect({
      techniques: rule.tags.some((tag) => TECHNIQUE.test(tag)),
      tactics: rule.tags.some((tag) => TACTICS.includes(tag.replace(/^attack\./, ''))),
      unknownTags: rule.tags.filter((tag) => !TECHNIQUE.test(tag) && !TACTICS.includes(tag.replace(/^attack\./, ''))),
    }).toEqual({ techniques: true, tactics: true, unknownTags: [] });
  });

  it.each(DOCUMENTS)('$path says what a finding needs: status, description, false positives, references, author, kubernetes/audit', ({ document }) => {
    // Assess
    expect(document).toMatchObject({
      status: expect.stringMatching(/^(stable|test|experimental)$/),
      description: expect.stringMatching(/^\S.{80,}\.$/s),
      falsepositives: expect.arrayContaining([expect.any(String)]),
      references: expect.arrayContaining([expect.stringMatching(/^https:\/\//)]),
      author: 'kaudit',
      logsource: { product: 'kubernetes', service: 'audit' },
    });
  });

  it('lists each rule once in builtInRules(), with the id and title of its file', () => {
    // Assess
    expect(builtInRules()).toEqual(rules.all.map((rule) => ({ id: rule.id, title: rule.title, path: rule.path })));
  });
});

describe('compileBuiltInPack', () => {
  const EXEC_ID = '24ef38aa-deff-4e65-afb7-c8d56e11d9c3';

  it('compiles every rule but the approved-networks one when no cluster has approved networks', () => {
    // Act
    const pack = compileBuiltInPack();

    // Assess
    expect(pack.all.map((rule) => rule.path)).toEqual(BUILT_IN_RULE_FILES.map((file) => file.path).filter((path) => path !== APPROVED_NETWORKS_RULE_PATH));
  });

  it('compiles the approved-networks rule once per cluster, each instance with the rule id', () => {
    // Prepare
    const approvedNetworks = new Map([
      ['prod-eu', ['10.40.0.0/16']],
      ['prod-us', ['10.50.0.0/16']],
    ]);

    // Act
    const instances = compileBuiltInPack({ approvedNetworks }).all.filter((rule) => rule.path === APPROVED_NETWORKS_RULE_PATH);

    // Assess
    expect(instances.map((rule) => ({ id: rule.id, clusters: [...(rule.requires.get('cluster_name') ?? [])] }))).toEqual([
      { id: '312871d0-93ca-49fe-8d95-fc3927f7989b', clusters: ['prod-eu'] },
      { id: '312871d0-93ca-49fe-8d95-fc3927f7989b', clusters: ['prod-us'] },
    ]);
  });

  it('leaves out the rules disabled by id', () => {
    // Prepare
    const exec = execRequest({ command: ['sh'] });

    // Act
    const pack = compileBuiltInPack({ disabledRules: parseDisabledRules(EXEC_ID) });

    // Assess
    expect({
      loaded: pack.all.some((rule) => rule.id === EXEC_ID),
      others: pack.all.length,
      fires: pack.all.filter((rule) => rule.matches(exec)).map((rule) => rule.title),
    }).toEqual({ loaded: false, others: BUILT_IN_RULE_FILES.length - 2, fires: [] });
  });
});

describe('parseDisabledRules', () => {
  it('reads ids separated by commas, with spaces and in any case', () => {
    // Act
    const disabled = parseDisabledRules(' 24EF38AA-DEFF-4E65-AFB7-C8D56E11D9C3 , be73110c-08d8-416c-9819-2924e86d35ab,');

    // Assess
    expect([...disabled]).toEqual(['24ef38aa-deff-4e65-afb7-c8d56e11d9c3', 'be73110c-08d8-416c-9819-2924e86d35ab']);
  });

  it('disables nothing when unset or blank', () => {
    // Act
    const disabled = [parseDisabledRules(undefined), parseDisabledRules('  ')].map((set) => set.size);

    // Assess
    expect(disabled).toEqual([0, 0]);
  });

  it('refuses an id that is no built-in rule, naming the setting and the id', () => {
    // Act
    const parse = () => parseDisabledRules('24ef38aa-deff-4e65-afb7-c8d56e11d9c3,pod-exec');

    // Assess
    expect(parse).toThrow('KAUDIT_DISABLED_RULES: "pod-exec" is not the id of a built-in rule (the ids are listed in docs/detections.md)');
  });
});
