/**
 * Falco's Kubernetes audit traces (falco test/trace_files/k8s_audit) against kaudit's built-in
 * pack: each trace goes through kaudit's pipeline as audit log lines, and exactly the rules listed
 * fire on its events. The comment on each row names the rule Falco's own tests expect on the trace.
 * The pack is compiled without approved networks (no cluster of the traces is configured).
 * docs/detections.md explains the traces where Falco fires and the pack does not.
 */
import { describe, expect, it } from 'vitest';
import { decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { compileBuiltInPack } from '../../shared/transforms/detection/built-in-pack.ts';
import { matchEvent } from '../../shared/transforms/detection/rule-set.ts';
import { listFixtures, readFixtureText } from './fixtures.ts';
import { DECODER_CONTEXT, expectSoundRun, runPipeline } from './pipeline-run.ts';

/** No rule of the pack fires. */
const NONE: readonly string[] = [];

/**
 * The pod traces were created by kube-system's ReplicaSet controller from a Deployment's template.
 * The pack judges pod templates when the workload is written, once, and leaves out the pods
 * controllers make from them (one per replica, per node for a DaemonSet); Falco sees pods only.
 */
const CONTROLLER_POD = NONE;

const EXPECTED: Record<string, readonly string[]> = {
  // Falco: Anonymous Request Allowed
  'anonymous_creates_namespace_foo.json': ['Anonymous Request Allowed'],
  // Falco: Attach to cluster-admin Role
  'attach_cluster_admin_role.json': ['Binding To cluster-admin Created Or Changed'],
  // Falco: Attach/Exec Pod
  'attach_pod.json': ['Attached To A Running Container'],
  // Falco: ClusterRole With Pod Exec Created
  'create_cluster_role_pod_exec.json': ['Role Granting Exec Or Attach Into Pods'],
  // Falco: ClusterRole With Wildcard Created
  'create_cluster_role_wildcard_resources.json': ['Role Granting Every Verb Or Every Resource'],
  // Falco: K8s Role/Clusterrole Created (activity)
  'create_clusterrole.json': NONE,
  // Falco: K8s Role/Clusterrolebinding Created (activity)
  'create_clusterrolebinding.json': NONE,
  // Falco: K8s ConfigMap Created (activity)
  'create_configmap.json': NONE,
  // Falco: none (its negative case for Create/Modify Configmap With Private Credentials)
  'create_configmap_no_sensitive_values.json': NONE,
  // Falco: Create/Modify Configmap With Private Credentials, on each of the 6 events
  'create_configmap_sensitive_values.json': NONE,
  // Falco: K8s Deployment Created (activity)
  'create_deployment.json': NONE,
  // Falco: none (Secrets in kube-system are left out)
  'create_kube_system_secret.json': NONE,
  // Falco: Create HostNetwork Pod
  'create_nginx_pod_hostnetwork.json': CONTROLLER_POD,
  // Falco: Create Privileged Pod
  'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json': CONTROLLER_POD,
  // Falco: Create Privileged Pod
  'create_nginx_pod_privileged.json': CONTROLLER_POD,
  // Falco: Create Privileged Pod
  'create_nginx_pod_privileged_2nd_container.json': CONTROLLER_POD,
  // Falco: Create Sensitive Mount Pod
  'create_nginx_pod_sensitive_mount.json': CONTROLLER_POD,
  // Falco: Create Sensitive Mount Pod
  'create_nginx_pod_sensitive_mount_2nd_container.json': CONTROLLER_POD,
  // Falco: none (Create Disallowed Pod when only other images are allowed)
  'create_nginx_pod_unprivileged.json': CONTROLLER_POD,
  // Falco: Create NodePort Service
  'create_nginx_service_nodeport.json': ['NodePort Service Created Or Changed'],
  // Falco: none (its negative case for Create NodePort Service)
  'create_nginx_service_nonodeport.json': NONE,
  // Falco: Pod Created in Kube Namespace
  'create_pod_kube_system_namespace.json': CONTROLLER_POD,
  // Falco: K8s Secret Created (activity)
  'create_secret.json': NONE,
  // Falco: K8s Service Created (activity)
  'create_service.json': NONE,
  // Falco: none (service account token Secrets are left out)
  'create_service_account_token_secret.json': NONE,
  // Falco: K8s Serviceaccount Created (activity)
  'create_serviceaccount.json': NONE,
  // Falco: Service Account Created in Kube Namespace
  'create_serviceaccount_kube_system_namespace.json': ['Service Account Created In A System Namespace'],
  // Falco: System ClusterRole Modified/Deleted
  'delete_cluster_role_kube_aggregator.json': ['System Role Changed Or Deleted'],
  // Falco: K8s Role/Clusterrole Deleted (activity)
  'delete_clusterrole.json': NONE,
  // Falco: K8s Role/Clusterrolebinding Deleted (activity)
  'delete_clusterrolebinding.json': NONE,
  // Falco: K8s ConfigMap Deleted (activity)
  'delete_configmap.json': NONE,
  // Falco: K8s Deployment Deleted (activity)
  'delete_deployment.json': NONE,
  // Falco: K8s Namespace Deleted (activity)
  'delete_namespace_foo.json': NONE,
  // Falco: K8s Secret Deleted (activity)
  'delete_secret.json': NONE,
  // Falco: K8s Service Deleted (activity)
  'delete_service.json': NONE,
  // Falco: K8s Serviceaccount Deleted (activity)
  'delete_serviceaccount.json': NONE,
  // Falco: Attach/Exec Pod
  'exec_pod.json': ['Command Executed In A Pod'],
  // Falco: none ("data not recognized as a k8s audit event"); kaudit quarantines it
  'fal_01_003.json': NONE,
  // Falco: none when namespace foo is allowed (Create Disallowed Namespace otherwise; K8s Namespace Created as activity)
  'minikube_creates_namespace_foo.json': NONE,
  // Falco: System ClusterRole Modified/Deleted
  'modify_cluster_role_node_problem_detector.json': ['System Role Changed Or Deleted'],
};

/** The controller-made pod traces, as if the trace's person (minikube-user) had created each pod: what fires then. */
const AS_CREATED_BY_A_PERSON: Record<string, readonly string[]> = {
  'create_nginx_pod_hostnetwork.json': ["Pod Sharing The Node's Network"],
  'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json': ['Privileged Container Created'],
  'create_nginx_pod_privileged.json': ['Privileged Container Created'],
  'create_nginx_pod_privileged_2nd_container.json': ['Privileged Container Created'],
  'create_nginx_pod_sensitive_mount.json': ['Sensitive Host Directory Mounted'],
  'create_nginx_pod_sensitive_mount_2nd_container.json': ['Sensitive Host Directory Mounted'],
  'create_nginx_pod_unprivileged.json': NONE,
  'create_pod_kube_system_namespace.json': ['Pod Created In A System Namespace'],
};
const PERSON = { username: 'minikube-user', groups: ['system:masters', 'system:authenticated'] };

const PACK = compileBuiltInPack();
const TRACES = listFixtures('falco-k8s-audit').map((file) => ({
  file,
  name: file.split('/').at(-1) as string,
  run: runPipeline([decodeAuditLogLines(readFixtureText(file), DECODER_CONTEXT)]),
}));

const titlesFiredBy = (run: ReturnType<typeof runPipeline>) => [...new Set(run.events.flatMap((event) => matchEvent(PACK, event).matched.map((rule) => rule.title)))];

describe('Falco k8s_audit traces and the pack', () => {
  it('lists every trace', () => {
    // Assess
    expect(TRACES.map(({ name }) => name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(TRACES)('$name: every record is accounted for', ({ run }) => {
    // Assess
    expectSoundRun(run);
  });

  it.each(TRACES)('$name: exactly the listed rules fire', ({ name, run }) => {
    // Assess
    expect(titlesFiredBy(run)).toEqual(EXPECTED[name]);
  });

  it.each(Object.keys(AS_CREATED_BY_A_PERSON))('%s: the pod, created by a person instead of its controller, fires the rules listed', (name) => {
    // Prepare
    const trace = JSON.parse(readFixtureText(`falco-k8s-audit/${name}`)) as Record<string, unknown>;

    // Act
    const run = runPipeline([decodeAuditLogLines(JSON.stringify({ ...trace, user: PERSON }), DECODER_CONTEXT)]);

    // Assess
    expect(titlesFiredBy(run)).toEqual(AS_CREATED_BY_A_PERSON[name]);
  });
});
