/**
 * Panther's Kubernetes and EKS rule test cases (panther-analysis) against kaudit's built-in pack:
 * for every Panther rule with a counterpart in the pack, each test log goes through kaudit's
 * decode → normalize → policy → redaction pipeline, and the counterpart rules fire exactly when
 * Panther expects its rule to, or the case is in DIFFERENCES with kaudit's result and why.
 *
 * Panther's logs are abbreviated: most have no auditID and no stage, which every audit event has
 * (kaudit quarantines an event without them, as panther.test.ts checks). They are completed with
 * an auditID and stage ResponseComplete, and nothing else is changed.
 */
import { describe, expect, it } from 'vitest';
import { decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { builtInRules, compileBuiltInPack } from '../../shared/transforms/detection/built-in-pack.ts';
import { BUILT_IN_PREFIX } from '../../shared/transforms/detection/rule-pack-module.ts';
import { matchEvent } from '../../shared/transforms/detection/rule-set.ts';
import { listFixtures, readFixtureJson } from './fixtures.ts';
import { DECODER_CONTEXT, runPipeline } from './pipeline-run.ts';
import { auditEventOfAksRecord, type Json } from './spec-fields.ts';

/** Each Panther rule (its file's name) and the pack rules (files) that stand for it: any of them firing is kaudit's "fires". */
const COUNTERPARTS: Record<string, readonly string[]> = {
  anonymous_api_access: ['anonymous-request-allowed.yml', 'anonymous-request-refused-or-probing.yml'],
  k8s_anonymous_api_access: ['anonymous-request-allowed.yml', 'anonymous-request-refused-or-probing.yml'],
  system_namespace_public_ip: ['control-plane-identity-from-public-address.yml', 'serviceaccount-from-public-address.yml'],
  k8s_system_principal_public_ip: ['control-plane-identity-from-public-address.yml', 'serviceaccount-from-public-address.yml'],
  k8s_admission_controller_created: ['admission-webhook-changed.yml'],
  k8s_client_certificate_created: ['csr-client-certificate-requested.yml'],
  k8s_clusterrolebinding_privileged: ['rbac-binding-cluster-admin.yml', 'rbac-binding-powerful-role.yml'],
  k8s_cronjob_created_or_modified: ['cronjob-created-or-changed.yml'],
  k8s_daemonset_created: ['daemonset-created.yml'],
  k8s_exec_into_pod: ['pod-exec.yml'],
  k8s_ingress_without_tls: ['ingress-without-tls.yml'],
  k8s_kubectl_cp_operation: ['pod-copy-out.yml'],
  k8s_pod_created_in_system_namespace: ['pod-in-system-namespace.yml'],
  k8s_pod_dangerous_capabilities: ['workload-dangerous-capabilities.yml'],
  k8s_pod_host_ipc: ['workload-host-ipc.yml'],
  k8s_pod_host_network: ['workload-host-network.yml'],
  k8s_pod_host_pid: ['workload-host-pid.yml'],
  k8s_pod_hostpath_volume: ['workload-host-path-volume.yml', 'workload-sensitive-host-path.yml'],
  k8s_privileged_pod_created: ['workload-privileged-container.yml'],
  // A role granting every resource grants nodes/proxy: the pack reports it as a wildcard.
  k8s_role_node_proxy_permissions: ['rbac-role-node-proxy.yml', 'rbac-role-wildcard.yml'],
  k8s_role_pod_exec: ['rbac-role-pod-exec.yml'],
  k8s_role_wildcard: ['rbac-role-wildcard.yml'],
  k8s_secrets_dump_all_namespaces: ['secrets-listed-cluster-wide.yml'],
  k8s_service_nodeport: ['service-nodeport.yml'],
  k8s_serviceaccount_token_created: ['serviceaccount-token-requested.yml'],
  k8s_steal_serviceaccount_token: ['pod-exec-token-read.yml'],
  k8s_system_role_modified: ['rbac-system-role-modified.yml'],
};

/** Panther rules the pack has no counterpart for, and why. */
const WITHOUT_COUNTERPART: Record<string, string> = {
  source_ip_multiple_403: 'a burst of 403s is counted over time: the behaviour analytics, not a rule on one event',
  k8s_multiple_403_public_ip: 'a burst of 403s is counted over time: the behaviour analytics, not a rule on one event',
  k8s_secret_access_denied: 'refused reads of Secrets are counted over time by the 403 analytics; one refusal is routine',
  k8s_secret_enumeration:
    'every read of a Secret by a person: routine in most clusters; the pack flags reads of every namespace at once and service accounts reading other namespaces',
  k8s_role_write_permissions: 'roles that grant writes are most roles; the pack flags wildcards, exec, nodes/proxy and the escalation verbs',
  k8s_ioc_activity: 'needs a threat-intelligence enrichment of source addresses (Tor exit nodes) that kaudit does not have',
};

/** Where kaudit's pack does not do what Panther's rule does, with what kaudit does and why. */
const GKE = 'a GKE Cloud Audit Log entry, not an audit.k8s.io Event: kaudit reads EKS, AKS and self-managed clusters, and makes no event of it';
const DIFFERENCES: Record<string, { kaudit: boolean; why: string }> = {
  // GKE's logs are not audit events: no event, no finding.
  'k8s_admission_controller_created: GKE MutatingWebhookConfiguration Created': { kaudit: false, why: GKE },
  'k8s_anonymous_api_access: GCP GKE Anonymous API Access': { kaudit: false, why: GKE },
  'k8s_client_certificate_created: GKE client certificate CSR created': { kaudit: false, why: GKE },
  'k8s_clusterrolebinding_privileged: GKE ClusterRoleBinding to admin role': { kaudit: false, why: GKE },
  'k8s_cronjob_created_or_modified: GCP GKE CronJob Created': { kaudit: false, why: GKE },
  'k8s_daemonset_created: GCP GKE DaemonSet Created': { kaudit: false, why: GKE },
  'k8s_exec_into_pod: GCP GKE Exec Into Pod': { kaudit: false, why: GKE },
  'k8s_ingress_without_tls: GKE Ingress without TLS with external DNS annotation': { kaudit: false, why: GKE },
  'k8s_kubectl_cp_operation: GKE kubectl cp from pod': { kaudit: false, why: GKE },
  'k8s_pod_created_in_system_namespace: GKE pod created in gke-system': { kaudit: false, why: GKE },
  'k8s_pod_dangerous_capabilities: GKE Pod with BPF Capability': { kaudit: false, why: GKE },
  'k8s_pod_host_ipc: GKE Pod with HostIPC': { kaudit: false, why: GKE },
  'k8s_pod_host_network: GCP GKE Pod With Host Network': { kaudit: false, why: GKE },
  'k8s_pod_host_pid: GCP GKE Pod With Host PID': { kaudit: false, why: GKE },
  'k8s_pod_hostpath_volume: GCP GKE Pod With HostPath': { kaudit: false, why: GKE },
  'k8s_privileged_pod_created: GCP GKE Privileged Pod Created': { kaudit: false, why: GKE },
  'k8s_role_node_proxy_permissions: GKE ClusterRole with nodes proxy access': { kaudit: false, why: GKE },
  'k8s_role_pod_exec: GKE ClusterRole with multiple resources including pods/exec': { kaudit: false, why: GKE },
  'k8s_role_wildcard: GKE ClusterRole with wildcard resources only': { kaudit: false, why: GKE },
  'k8s_secrets_dump_all_namespaces: GKE cluster-wide secret list': { kaudit: false, why: GKE },
  'k8s_service_nodeport: GCP GKE NodePort Service Created': { kaudit: false, why: GKE },
  'k8s_steal_serviceaccount_token: GKE steal token with sh -c': { kaudit: false, why: GKE },
  'k8s_steal_serviceaccount_token: GKE workload identity token theft': { kaudit: false, why: GKE },
  'k8s_system_principal_public_ip: GKE System ServiceAccount from Non-GCP Public IP': { kaudit: false, why: GKE },
  'k8s_system_role_modified: GKE system Role patched': { kaudit: false, why: GKE },

  // Choices of the pack.
  'system_namespace_public_ip: system username - public ip - not ResponseComplete': {
    kaudit: true,
    why: "the pack fires on every stage that carries a decision: a watch's ResponseStarted is the first sign of a stolen token in use",
  },
  'system_namespace_public_ip: system username - public ip - 403': {
    kaudit: true,
    why: 'a token used from the internet was taken, whether or not RBAC lets it through: refused requests fire too',
  },
  'k8s_system_principal_public_ip: 403 Response (Excluded)': {
    kaudit: true,
    why: 'a token used from the internet was taken, whether or not RBAC lets it through: refused requests fire too',
  },
  'system_namespace_public_ip: legitimate EKS node from AWS IP - should not alert': {
    kaudit: true,
    why: "Panther looks the address up in IPinfo's ASN data and lets AWS's through; kaudit has no such data and treats every public address alike (a false positive for nodes with public addresses, documented)",
  },
  'k8s_system_principal_public_ip: EKS Legitimate Node from AWS IP': {
    kaudit: true,
    why: "Panther looks the address up in IPinfo's ASN data and lets AWS's through; kaudit has no such data",
  },
  'k8s_system_principal_public_ip: AKS System Node from Azure IP': {
    kaudit: true,
    why: "Panther looks the address up in IPinfo's ASN data and lets Azure's through; kaudit has no such data",
  },
  'k8s_system_principal_public_ip: AKS CSI Disk Driver from Azure Node': {
    kaudit: true,
    why: 'Panther lets four AKS-managed service accounts act from any public address; kaudit does not excuse service accounts by name, as those are the tokens worth stealing',
  },
  'k8s_system_principal_public_ip: AKS CSI File Driver from Azure Node': {
    kaudit: true,
    why: 'Panther lets four AKS-managed service accounts act from any public address; kaudit does not excuse service accounts by name',
  },
  'k8s_system_principal_public_ip: Pod with Mixed Public and Private IPs': {
    kaudit: true,
    why: "Panther wants every source address public; kaudit reads the last one, the connection's peer (a client writes the others with X-Forwarded-For): here a private address is claimed and the connection came from the internet",
  },
  'k8s_admission_controller_created: Webhook Update (Not Create)': {
    kaudit: true,
    why: 'the pack fires on updates, patches and deletes of webhooks too: pointing an existing webhook elsewhere, or deleting a validating one, is as dangerous as creating one',
  },
  'k8s_clusterrolebinding_privileged: RoleBinding (not ClusterRoleBinding)': {
    kaudit: true,
    why: 'a RoleBinding to cluster-admin gives full control of its namespace (its Secrets, its pods): the pack fires on it too',
  },
  'k8s_kubectl_cp_operation: EKS system namespace (excluded)': {
    kaudit: true,
    why: "the pack's exec rules excuse no identity or namespace: a kube-system service account copying files out of a kube-system pod is what a stolen controller token looks like",
  },
  'k8s_steal_serviceaccount_token: System principal in system namespace (excluded)': {
    kaudit: true,
    why: "the pack's exec rules excuse no identity or namespace: a controller has no reason to read a token through exec",
  },
  'k8s_privileged_pod_created: Run-As-Root Pod Created': {
    kaudit: false,
    why: "Panther's rule also fires on containers that may run as root (runAsNonRoot: false, runAsUser: 0); the pack's fires on privileged containers only: running as root in a container without privileges is the norm of most images, not a sign",
  },
  'k8s_privileged_pod_created: Pod with runAsUser=0 (root)': {
    kaudit: false,
    why: "Panther's rule also fires on containers that run as root; the pack's fires on privileged containers only",
  },
  'k8s_role_node_proxy_permissions: Updating existing role (not creating)': {
    kaudit: true,
    why: 'the pack fires on roles updated and patched too: an update that adds a permission grants it as a creation does',
  },
  'k8s_role_pod_exec: Updating existing role (not creating)': {
    kaudit: true,
    why: 'the pack fires on roles updated and patched too: an update that adds a permission grants it as a creation does',
  },
  'k8s_role_wildcard: Updating existing role (not creating)': {
    kaudit: true,
    why: 'the pack fires on roles updated and patched too: an update that adds a permission grants it as a creation does',
  },
};

interface PantherTest {
  rule: string;
  test: string;
  expected: boolean;
  log: Json & { p_log_type?: string };
}

const CASES = listFixtures('panther-analysis').flatMap((file) => {
  const ruleName = (file.split('/').at(-1) as string).replace(/\.tests\.json$/, '');
  return readFixtureJson<PantherTest[]>(file).map((test, index) => ({ ...test, ruleName, index, id: `${ruleName}: ${test.test}` }));
});

/** The audit event with what every audit event has and Panther's logs leave out; nothing else changes. */
function completed(audit: Json, id: string): Json {
  return { ...audit, auditID: audit.auditID ?? `panther-case/${id}`, stage: audit.stage ?? 'ResponseComplete' };
}

/** The events kaudit makes of a case's log, the way its log type arrives. */
function eventsOf(log: PantherTest['log'], id: string) {
  if (log.p_log_type === 'GCP.AuditLog') return runPipeline([decodeAuditLogLines(JSON.stringify(log), DECODER_CONTEXT)]).events;
  if (log.p_log_type === 'Azure.MonitorActivity') {
    const record = { ...log, properties: { ...(log.properties as Json), log: `${JSON.stringify(completed(auditEventOfAksRecord(log), id))}\n` } };
    return runPipeline([decodeEventHubMessages([{ body: { records: [record] } }], DECODER_CONTEXT)]).events;
  }
  return runPipeline([decodeAuditLogLines(JSON.stringify(completed(log, id)), DECODER_CONTEXT)]).events;
}

const PACK = compileBuiltInPack();
const MAPPED = CASES.filter((entry) => entry.ruleName in COUNTERPARTS).map((entry) => {
  const counterparts = new Set((COUNTERPARTS[entry.ruleName] as readonly string[]).map((file) => BUILT_IN_PREFIX + file));
  const fired = eventsOf(entry.log, entry.id).flatMap((event) => matchEvent(PACK, event).matched.map((rule) => rule.path));
  return { ...entry, kaudit: fired.some((path) => counterparts.has(path)), difference: DIFFERENCES[entry.id] };
});

describe('Panther rules and their counterparts in the pack', () => {
  it('names, for every Panther rule, its counterparts or why there is none', () => {
    // Act
    const rules = [...new Set(CASES.map((entry) => entry.ruleName))].filter((name) => !(name in COUNTERPARTS) && !(name in WITHOUT_COUNTERPART));

    // Assess
    expect(rules).toEqual([]);
  });

  it('maps each Panther rule to rules of the pack', () => {
    // Act
    const unknown = Object.values(COUNTERPARTS)
      .flat()
      .filter((file) => !builtInRules().some((rule) => rule.path === BUILT_IN_PREFIX + file));

    // Assess
    expect(unknown).toEqual([]);
  });

  it('lists as differences only cases of mapped rules where kaudit and Panther disagree', () => {
    // Act
    const stale = Object.keys(DIFFERENCES).filter((id) => !MAPPED.some((entry) => entry.id === id && entry.kaudit !== entry.expected));

    // Assess
    expect(stale).toEqual([]);
  });
});

describe.each(Object.keys(COUNTERPARTS))('Panther %s', (ruleName) => {
  const cases = MAPPED.filter((entry) => entry.ruleName === ruleName);

  it.each(cases.filter((entry) => entry.difference === undefined))('$test: the pack agrees (expected $expected)', ({ kaudit, expected }) => {
    // Assess
    expect(kaudit).toBe(expected);
  });

  it.each(cases.filter((entry) => entry.difference !== undefined))('$test: the pack differs as documented (Panther $expected)', ({ kaudit, difference }) => {
    // Assess
    expect(kaudit).toBe(difference?.kaudit);
  });
});
