/**
 * Seed 003's approved networks: KAUDIT_APPROVED_NETWORKS read and checked, and the rule compiled
 * per cluster firing on changes from elsewhere, allowed or refused, and on nothing else.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { parseApprovedNetworks } from '../../shared/transforms/detection/approved-networks.ts';
import { APPROVED_NETWORKS_RULE_PATH } from '../../shared/transforms/detection/built-in-pack.ts';
import { type AuditEvent, auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';
import { CONTROLLER_MANAGER, PACK, POD_ADDRESS, PUBLIC_ADDRESS, titlesFiredBy } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

const RULE_TITLE = "Change From Outside The Cluster's Approved Networks";
const OFFICE = '198.51.100.40';

/** `kubectl set image deployment/web` in a cluster, from the addresses given (the last is the connection's peer). */
function deploymentPatched(cluster: string, sourceIPs: string[], overrides: AuditEvent = {}): CanonicalEvent {
  const event = auditEvent({
    verb: 'patch',
    requestURI: '/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=kubectl-set',
    objectRef: { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
    sourceIPs,
    ...overrides,
  });
  return canonicalOf(sourceRecord(event, { cluster_name: cluster, cluster_id: cluster }));
}

/** Whether the approved-networks rule, alone of the pack or with others, fires on the event. */
const fires = (event: CanonicalEvent) => titlesFiredBy(event).includes(RULE_TITLE);

describe("Change From Outside The Cluster's Approved Networks", () => {
  it.each<Case>([
    ['a change from the internet', deploymentPatched('onprem-dc1', [PUBLIC_ADDRESS])],
    [
      'a change from the internet, refused',
      deploymentPatched('onprem-dc1', [PUBLIC_ADDRESS], {
        responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 },
        annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
      }),
    ],
    ['an approved address claimed in X-Forwarded-For, the connection from the internet', deploymentPatched('onprem-dc1', [OFFICE, PUBLIC_ADDRESS])],
    ['a delete from outside', deploymentPatched('onprem-dc1', [PUBLIC_ADDRESS], { verb: 'delete', requestURI: '/apis/apps/v1/namespaces/shop/deployments/web' })],
    [
      'kubectl exec over WebSocket from outside',
      deploymentPatched('onprem-dc1', [PUBLIC_ADDRESS], {
        verb: 'get',
        requestURI: '/api/v1/namespaces/shop/pods/web-0/exec?command=sh&stdin=true&stdout=true&tty=true',
        objectRef: { resource: 'pods', namespace: 'shop', name: 'web-0', apiVersion: 'v1', subresource: 'exec' },
        responseStatus: { metadata: {}, code: 101 },
      }),
    ],
    ["another cluster's approved network, in prod-eu", deploymentPatched('prod-eu', [OFFICE])],
    ["an IPv6 address outside prod-eu's networks", deploymentPatched('prod-eu', ['2001:db8:99::7'])],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(fires(event)).toBe(true);
  });

  it.each<Case>([
    ['a change from the office', deploymentPatched('onprem-dc1', [OFFICE])],
    ['a change from a pod of the cluster', deploymentPatched('onprem-dc1', [POD_ADDRESS])],
    ['an address from outside claimed in X-Forwarded-For, the connection from the office', deploymentPatched('onprem-dc1', [PUBLIC_ADDRESS, OFFICE])],
    ['a change in prod-eu from its IPv6 network', deploymentPatched('prod-eu', ['2001:db8:40::12'])],
    ['a read from the internet', deploymentPatched('onprem-dc1', [PUBLIC_ADDRESS], { verb: 'get', requestURI: '/apis/apps/v1/namespaces/shop/deployments/web' })],
    ["the API server's own components on loopback", deploymentPatched('onprem-dc1', ['::1'], { user: CONTROLLER_MANAGER })],
    ["a managed control plane's component from the provider's addresses", deploymentPatched('onprem-dc1', ['52.94.133.131'], { user: CONTROLLER_MANAGER })],
    [
      'the request before it is decided (RequestReceived)',
      deploymentPatched('onprem-dc1', [PUBLIC_ADDRESS], { stage: 'RequestReceived', responseStatus: undefined, annotations: undefined }),
    ],
    ['a change in a cluster with no approved networks', deploymentPatched('staging', [PUBLIC_ADDRESS])],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(fires(event)).toBe(false);
  });

  it("evaluates an event only against its own cluster's instance", () => {
    // Prepare
    const candidates = (cluster: string) => PACK.candidatesFor(deploymentPatched(cluster, [PUBLIC_ADDRESS])).filter((rule) => rule.path === APPROVED_NETWORKS_RULE_PATH);

    // Act
    const evaluated = ['onprem-dc1', 'prod-eu', 'staging'].map((cluster) => candidates(cluster).map((rule) => [...(rule.requires.get('cluster_name') ?? [])]));

    // Assess
    expect(evaluated).toEqual([[['onprem-dc1']], [['prod-eu']], []]);
  });
});

describe('parseApprovedNetworks', () => {
  it("reads each cluster's networks", () => {
    // Act
    const networks = parseApprovedNetworks('{"prod-eu": ["10.40.0.0/16", "198.51.100.7"], "prod-us": ["2001:db8:50::/48"]}');

    // Assess
    expect([...networks]).toEqual([
      ['prod-eu', ['10.40.0.0/16', '198.51.100.7']],
      ['prod-us', ['2001:db8:50::/48']],
    ]);
  });

  it('gives no cluster when unset or blank', () => {
    // Act
    const sizes = [parseApprovedNetworks(undefined), parseApprovedNetworks(' ')].map((networks) => networks.size);

    // Assess
    expect(sizes).toEqual([0, 0]);
  });

  it('refuses text that is not JSON without quoting it', () => {
    // Act
    const parse = () => parseApprovedNetworks("{prod-eu: ['10.40.0.0/16']}");

    // Assess
    expect(parse).toThrow(
      /^KAUDIT_APPROVED_NETWORKS is not valid JSON: expected a JSON object mapping each cluster name to a list of networks, e\.g\. \{"prod-eu": \["10\.20\.0\.0\/16", "198\.51\.100\.0\/24"\]\}$/,
    );
  });

  it('refuses JSON that is no object', () => {
    // Act
    const parse = () => parseApprovedNetworks('["10.40.0.0/16"]');

    // Assess
    expect(parse).toThrow(/^KAUDIT_APPROVED_NETWORKS: expected a JSON object mapping each cluster name/);
  });

  it('names every cluster and network at fault', () => {
    // Act
    const parse = () => parseApprovedNetworks('{"prod-eu": ["10.40.0.0/33", 10], "prod-us": [], "PROD-EU": ["10.0.0.0/8"]}');

    // Assess
    expect(parse).toThrow(
      'KAUDIT_APPROVED_NETWORKS: cluster "prod-eu": "10.40.0.0/33": the prefix length must be a whole number from 0 to 32; ' +
        'cluster "prod-eu": 10 is not a network: expected text such as "10.0.0.0/8"; ' +
        'cluster "prod-us": expected a non-empty list of networks (a cluster with nothing approved would fire on every change; leave it out to not check it); ' +
        'cluster "PROD-EU" is also given as "prod-eu": rules compare cluster names ignoring case',
    );
  });
});
