/** The expand modifier: `%placeholder%` values replaced by the values given when rules compile, and every way that can go wrong. */
import { describe, expect, it } from 'vitest';
import { loadRule } from '../../shared/transforms/detection/load-rule.ts';
import type { Placeholders } from '../../shared/transforms/detection/placeholders.ts';
import { refusalMessage } from '../../shared/transforms/detection/rule-refusal.ts';
import { canonicalEvent, RULE_PATH, resourceRequest, sigmaRuleText } from './detection-builders.ts';

const OFFICE_AND_VPN: Placeholders = new Map([
  ['approved_networks', ['198.51.100.0/24', '10.8.0.0/16']],
  ['tenant', ['shop', 'payments']],
]);

function load(selection: Record<string, unknown>, placeholders: Placeholders = OFFICE_AND_VPN) {
  return loadRule(RULE_PATH, sigmaRuleText({ selection, condition: 'selection' }), { placeholders });
}

function firesOn(selection: Record<string, unknown>, ...events: ReturnType<typeof canonicalEvent>[]): boolean[] {
  const loaded = load(selection);
  if (!loaded.ok) throw new Error(`expected the rule to load: ${refusalMessage(loaded.refusal)}`);
  return events.map((event) => loaded.rule.matches(event));
}

function problemsOf(selection: Record<string, unknown>, placeholders?: Placeholders): string {
  const loaded = load(selection, placeholders);
  if (loaded.ok) throw new Error('expected the rule to be refused');
  return loaded.refusal.problems.join('; ');
}

const fromSourceIps = (...sourceIPs: string[]) => canonicalEvent({ sourceIPs });

describe('expand', () => {
  it('replaces a value that is one placeholder by each of its values', () => {
    // Act
    const fires = firesOn({ 'src_peer_ip|cidr|expand': '%approved_networks%' }, fromSourceIps('198.51.100.23'), fromSourceIps('10.8.4.1'), fromSourceIps('203.0.113.9'));

    // Assess
    expect(fires).toEqual([true, true, false]);
  });

  it('keeps the text around a placeholder around each value', () => {
    // Prepare
    const shop = resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'shop' });
    const monitoring = resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'monitoring' });

    // Act
    const fires = firesOn({ 'requestURI|contains|expand': '/namespaces/%tenant%/secrets' }, shop, monitoring);

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('gives every combination of two placeholders in one value', () => {
    // Prepare
    const placeholders: Placeholders = new Map([
      ['team', ['shop', 'payments']],
      ['env', ['prod', 'staging']],
    ]);
    const loaded = loadRule(RULE_PATH, sigmaRuleText({ selection: { 'objectRef.namespace|expand': '%team%-%env%' }, condition: 'selection' }), { placeholders });
    if (!loaded.ok) throw new Error(refusalMessage(loaded.refusal));

    // Act
    const fires = ['shop-prod', 'payments-staging', 'shop-dev'].map((namespace) => loaded.rule.matches(resourceRequest({ verb: 'list', resource: 'pods', namespace })));

    // Assess
    expect(fires).toEqual([true, true, false]);
  });

  it('lets a plain match on expanded values index the rule like a value written in it', () => {
    // Act
    const loaded = load({ 'objectRef.namespace|expand': '%tenant%', 'objectRef.resource': 'secrets' });

    // Assess
    expect(loaded.ok && Object.fromEntries([...loaded.rule.requires].map(([column, values]) => [column, [...values]]))).toEqual({
      object_namespace: ['shop', 'payments'],
      object_resource: ['secrets'],
    });
  });

  it('leaves %…% as text in a value without expand', () => {
    // Prepare
    const event = canonicalEvent({ userAgent: 'probe %tenant% v2' });

    // Act
    const fires = firesOn({ 'userAgent|contains': '%tenant%' }, event);

    // Assess
    expect(fires).toEqual([true]);
  });
});

describe('expand refuses a rule', () => {
  it('naming a placeholder it is not given, and the ones it is', () => {
    // Act
    const message = problemsOf({ 'src_peer_ip|cidr|expand': '%office_networks%' });

    // Assess
    expect(message).toBe('detection.selection.src_peer_ip|cidr|expand: placeholder %office_networks% has no values: the placeholders given are %approved_networks%, %tenant%');
  });

  it('naming a placeholder when no placeholder is given at all', () => {
    // Act
    const message = problemsOf({ 'src_peer_ip|cidr|expand': '%approved_networks%' }, new Map());

    // Assess
    expect(message).toMatch(/placeholder %approved_networks% has no values: no placeholder is given to these rules$/);
  });

  it('whose placeholder is given an empty list', () => {
    // Act
    const message = problemsOf({ 'src_peer_ip|cidr|expand': '%approved_networks%' }, new Map([['approved_networks', []]]));

    // Assess
    expect(message).toMatch(/placeholder %approved_networks% is given an empty list, which matches nothing$/);
  });

  it('with a value that holds no placeholder', () => {
    // Act
    const message = problemsOf({ 'src_peer_ip|cidr|expand': '10.0.0.0/8' });

    // Assess
    expect(message).toMatch(/"expand": value "10\.0\.0\.0\/8" holds no %placeholder%$/);
  });

  it('with a value that is no text', () => {
    // Act
    const message = problemsOf({ 'responseStatus.code|expand': 403 });

    // Assess
    expect(message).toMatch(/"expand" takes text values holding %placeholders%, got 403$/);
  });

  it('whose placeholder values do not fit the modifier', () => {
    // Act
    const message = problemsOf({ 'src_peer_ip|cidr|expand': '%tenant%' });

    // Assess
    expect(message).toMatch(/cidr "shop" is not an IPv4 or IPv6 network/);
  });

  it('combining expand with exists', () => {
    // Act
    const message = problemsOf({ 'src_peer_ip|exists|expand': true });

    // Assess
    expect(message).toMatch(/modifier "expand" cannot be combined with "exists"$/);
  });
});
