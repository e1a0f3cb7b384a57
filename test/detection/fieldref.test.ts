/** The fieldref modifier: a field compared with another field of the same event. */
import { describe, expect, it } from 'vitest';
import { HUMAN_USER, refusalOf, resourceRequest, selectionFires, serviceAccountUser } from './detection-builders.ts';

/** A service account of `own` reading a secret in `namespace`. */
const secretRead = (own: string, namespace: string) =>
  resourceRequest({ verb: 'get', resource: 'secrets', namespace, name: 'db-credentials', user: serviceAccountUser(own, 'billing-worker') });

describe('fieldref', () => {
  it('matches when the field equals the referenced field', () => {
    // Act
    const fires = [
      selectionFires({ 'objectRef.namespace|fieldref': 'sa_namespace' }, secretRead('shop', 'shop')),
      selectionFires({ 'objectRef.namespace|fieldref': 'sa_namespace' }, secretRead('shop', 'payments')),
    ];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('ignores case unless cased', () => {
    // Prepare
    const event = resourceRequest({ verb: 'get', resource: 'serviceaccounts', namespace: 'shop', name: 'Billing-Worker', user: serviceAccountUser('shop', 'billing-worker') });

    // Act
    const fires = [selectionFires({ 'objectRef.name|fieldref': 'sa_name' }, event), selectionFires({ 'objectRef.name|fieldref|cased': 'sa_name' }, event)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('never matches when either field is absent, even both', () => {
    // Prepare: a person has no service-account namespace; a cluster-scoped list has no namespace
    const human = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'shop', name: 'db-credentials', user: HUMAN_USER });
    const clusterWide = resourceRequest({ verb: 'list', resource: 'secrets', user: HUMAN_USER });

    // Act
    const fires = [selectionFires({ 'objectRef.namespace|fieldref': 'sa_namespace' }, human), selectionFires({ 'objectRef.namespace|fieldref': 'sa_namespace' }, clusterWide)];

    // Assess
    expect(fires).toEqual([false, false]);
  });

  it('matches when an element of a list field equals the referenced field', () => {
    // Prepare: a request forwarded by a proxy lists the client first and the proxy last
    const direct = resourceRequest({ verb: 'get', resource: 'pods', namespace: 'shop', sourceIPs: ['10.0.12.7'] });
    const proxied = resourceRequest({ verb: 'get', resource: 'pods', namespace: 'shop', sourceIPs: ['203.0.113.10', '10.0.12.7'] });

    // Act
    const fires = [selectionFires({ 'sourceIPs|fieldref': 'src_ip' }, direct), selectionFires({ 'src_peer_ip|fieldref': 'src_ip' }, proxied)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('with several fields, matches any of them; with all, every one', () => {
    // Prepare
    const event = secretRead('shop', 'shop');

    // Act
    const fires = [
      selectionFires({ 'objectRef.namespace|fieldref': ['objectRef.name', 'sa_namespace'] }, event),
      selectionFires({ 'objectRef.namespace|fieldref|all': ['objectRef.name', 'sa_namespace'] }, event),
    ];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('refuses a rule whose referenced field does not exist', () => {
    // Act
    const refusal = refusalOf({ selection: { 'objectRef.namespace|fieldref': 'serviceAccountNamespace' }, condition: 'selection' });

    // Assess
    expect(refusal.problems).toEqual([expect.stringMatching(/^detection\.selection\.objectRef\.namespace\|fieldref: fieldref: unknown field "serviceAccountNamespace"/)]);
  });

  it('refuses a rule combining fieldref with another value modifier', () => {
    // Act
    const refusal = refusalOf({ selection: { 'objectRef.namespace|fieldref|contains': 'sa_namespace' }, condition: 'selection' });

    // Assess
    expect(refusal.problems).toEqual([expect.stringMatching(/modifiers "fieldref" and "contains" cannot be combined$/)]);
  });
});
