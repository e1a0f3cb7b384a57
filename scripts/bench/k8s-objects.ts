/**
 * Kubernetes objects as the API server puts them in RequestResponse audit events: a Deployment with
 * its managedFields and last-applied annotation, Pods with their status. Sizes match what real
 * clusters log (a Deployment ≈ 5 KB, a Pod ≈ 4 KB), since the bench's figures depend on them.
 */
import type { Sequence } from './sequence.ts';

type Json = Record<string, unknown>;

const APP_LABELS = (app: string) => ({
  app,
  'app.kubernetes.io/name': app,
  'app.kubernetes.io/part-of': 'checkout',
  'app.kubernetes.io/managed-by': 'argocd',
  'pod-template-hash': '7d9f8b6c5d',
});

function container(app: string, image: string): Json {
  return {
    name: app,
    image,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.observability:4317' },
      { name: 'DATABASE_HOST', value: 'checkout-db.cluster-c9akciq32.eu-west-1.rds.amazonaws.com' },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'password' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    ],
    resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 10,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    },
    readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/checkout', readOnly: true },
      { name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
  };
}

function managedField(manager: string, operation: string, time: string, fields: Json, subresource?: string): Json {
  return { manager, operation, apiVersion: 'apps/v1', time, fieldsType: 'FieldsV1', fieldsV1: fields, ...(subresource ? { subresource } : {}) };
}

/** A Deployment as the API server returns it after a patch (the response of an image rollout). */
export function deployment(seq: Sequence, app: string, namespace: string, image: string): Json {
  const spec = {
    replicas: 3,
    selector: { matchLabels: { app } },
    template: {
      metadata: { labels: APP_LABELS(app), annotations: { 'kubectl.kubernetes.io/restartedAt': seq.timestamp() } },
      spec: {
        containers: [container(app, image)],
        volumes: [{ name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } }],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: app,
        securityContext: { runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        schedulerName: 'default-scheduler',
      },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  };
  const time = seq.timestamp();
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: app,
      namespace,
      uid: seq.uuid(),
      resourceVersion: String(seq.int(10_000_000, 99_999_999)),
      generation: seq.int(2, 80),
      creationTimestamp: '2026-03-02T09:14:51Z',
      labels: APP_LABELS(app),
      annotations: {
        'deployment.kubernetes.io/revision': String(seq.int(2, 60)),
        'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace, labels: APP_LABELS(app) }, spec })}\n`,
      },
      managedFields: [
        managedField('argocd-controller', 'Apply', time, {
          'f:metadata': { 'f:labels': { 'f:app': {}, 'f:app.kubernetes.io/name': {} } },
          'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"checkout"}': { '.': {}, 'f:image': {}, 'f:env': {} } } } } },
        }),
        managedField(
          'kube-controller-manager',
          'Update',
          time,
          {
            'f:metadata': { 'f:annotations': { 'f:deployment.kubernetes.io/revision': {} } },
            'f:status': { 'f:availableReplicas': {}, 'f:conditions': {}, 'f:observedGeneration': {}, 'f:readyReplicas': {}, 'f:replicas': {}, 'f:updatedReplicas': {} },
          },
          'status',
        ),
      ],
    },
    spec,
    status: {
      observedGeneration: seq.int(2, 80),
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: time,
          lastTransitionTime: time,
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${app}-7d9f8b6c5d" is progressing.`,
        },
      ],
    },
  };
}

/** A running Pod as a list response carries it (≈ 4 KB with managedFields and status). */
export function pod(seq: Sequence, app: string, namespace: string, node: string): Json {
  const name = `${app}-7d9f8b6c5d-${seq.token(5)}`;
  const started = seq.timestamp();
  const podIp = `10.0.${seq.int(0, 255)}.${seq.int(1, 254)}`;
  return {
    metadata: {
      name,
      generateName: `${app}-7d9f8b6c5d-`,
      namespace,
      uid: seq.uuid(),
      resourceVersion: String(seq.int(10_000_000, 99_999_999)),
      creationTimestamp: started,
      labels: APP_LABELS(app),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7d9f8b6c5d`, uid: seq.uuid(), controller: true, blockOwnerDeletion: true }],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time: started,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} }, 'f:ownerReferences': { '.': {}, [`k:{"uid":"${seq.uuid()}"}`]: {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"checkout"}': { '.': {}, 'f:image': {} } } },
          },
        },
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          time: started,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': {}, 'f:startTime': {} } },
          subresource: 'status',
        },
      ],
    },
    spec: {
      volumes: [
        { name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } },
        {
          name: 'kube-api-access-x7k2p',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
            defaultMode: 420,
          },
        },
      ],
      containers: [container(app, `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${app}:1.42.${seq.int(0, 9)}`)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: app,
      serviceAccount: app,
      nodeName: node,
      securityContext: { runAsUser: 10001, fsGroup: 10001 },
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: started,
      })),
      hostIP: `10.0.${seq.int(0, 255)}.${seq.int(1, 254)}`,
      podIP: podIp,
      podIPs: [{ ip: podIp }],
      startTime: started,
      containerStatuses: [
        {
          name: app,
          state: { running: { startedAt: started } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${app}:1.42.0`,
          imageID: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${app}@sha256:${seq.hex(64)}`,
          containerID: `containerd://${seq.hex(64)}`,
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  };
}

/** A ConfigMap with a little configuration, as a controller updates it. */
export function configMap(seq: Sequence, name: string, namespace: string): Json {
  return {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name, namespace, uid: seq.uuid(), resourceVersion: String(seq.int(10_000_000, 99_999_999)), creationTimestamp: '2026-03-02T09:14:51Z' },
    data: {
      'config.yaml': `server:\n  port: 8080\n  shutdownTimeout: 25s\nfeatures:\n  newCheckout: true\n  ratelimit: ${seq.int(50, 500)}\ntracing:\n  sampleRate: 0.05\n`,
      leader: JSON.stringify({ holderIdentity: `controller-${seq.token(5)}`, leaseDurationSeconds: 15, acquireTime: seq.timestamp(), renewTime: seq.timestamp() }),
    },
  };
}

/** A Secret as a client creates it: the data that redaction must not let through. */
export function secret(seq: Sequence, name: string, namespace: string): Json {
  return {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name, namespace },
    type: 'Opaque',
    data: { username: Buffer.from('checkout').toString('base64'), password: Buffer.from(seq.token(24)).toString('base64') },
  };
}
