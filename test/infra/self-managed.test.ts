import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SETTINGS } from '../../shared/core/settings.ts';
import { auditEvent, auditLogLines } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFile(path.join(ROOT, file), 'utf8');

interface Container {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom: { secretRef: { name: string } }[];
  resources: { limits: Record<string, string>; requests: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[] } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  nodeSelector: Record<string, string>;
  tolerations: { key: string; effect: string }[];
  securityContext: { runAsNonRoot: boolean; runAsUser: number };
  containers: Container[];
  volumes: { name: string; hostPath?: { path: string; type: string }; emptyDir?: object }[];
}

async function daemonSet(): Promise<PodSpec> {
  const documents = parseAllDocuments(await read('infra/kubernetes/kaudit-tail.yaml')).map((document) => document.toJS());
  const found = documents.find((document) => document.kind === 'DaemonSet');
  return found.spec.template.spec as PodSpec;
}

/** The flags `kaudit tail --help` lists. */
async function tailFlags(): Promise<string[]> {
  const help = await runKaudit(['tail', '--help'], { cwd: ROOT });
  return [...help.stdout.matchAll(/--[a-z-]+/g)].map((match) => match[0]);
}

describe('the kaudit tail DaemonSet (infra/kubernetes)', () => {
  it('runs on control-plane nodes only, tolerating their taints', async () => {
    // Act
    const spec = await daemonSet();

    // Assess
    expect(spec.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
    expect(spec.tolerations.map((toleration) => [toleration.key, toleration.effect])).toContainEqual(['node-role.kubernetes.io/control-plane', 'NoSchedule']);
  });

  it('runs as a non-root user, without privileges, on a read-only root file system, within resource limits', async () => {
    // Act
    const spec = await daemonSet();
    const [container] = spec.containers;

    // Assess
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(Object.keys(container?.resources.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
  });

  it('mounts the audit directory read-only from the host, the checkpoint directory writable from the host, and a writable /tmp', async () => {
    // Act
    const spec = await daemonSet();
    const container = spec.containers[0] as Container;
    const mountOf = (file: string) => container.volumeMounts.find((mount) => file.startsWith(`${mount.mountPath}/`));
    const volumeOf = (name: string | undefined) => spec.volumes.find((volume) => volume.name === name);
    const logPath = container.args[1] as string;
    const checkpointPath = container.args[container.args.indexOf('--checkpoint') + 1] as string;

    // Assess
    expect(container.args[0]).toBe('tail');
    expect(mountOf(logPath)).toMatchObject({ readOnly: true });
    expect(volumeOf(mountOf(logPath)?.name)?.hostPath).toEqual({ path: path.dirname(logPath), type: 'Directory' });
    expect(mountOf(checkpointPath)?.readOnly).not.toBe(true);
    expect(volumeOf(mountOf(checkpointPath)?.name)?.hostPath?.path).toBe(path.dirname(checkpointPath));
    expect(volumeOf(container.volumeMounts.find((mount) => mount.mountPath === '/tmp')?.name)?.emptyDir).toBeDefined();
  });

  it('gives kaudit tail only flags it has, and the store URL from a Secret', async () => {
    // Act
    const spec = await daemonSet();
    const container = spec.containers[0] as Container;

    // Assess
    const flags = container.args.filter((arg) => arg.startsWith('--'));
    expect(await tailFlags()).toEqual(expect.arrayContaining(flags));
    expect(container.env.find((variable) => variable.name === SETTINGS.storeUrl)?.valueFrom?.secretKeyRef).toEqual({ name: 'kaudit-store', key: SETTINGS.storeUrl });
    const clusterVariable = /^\$\((\w+)\)$/.exec(container.args[container.args.indexOf('--cluster') + 1] ?? '')?.[1];
    expect(container.env.map((variable) => variable.name)).toContain(clusterVariable);
  });

  it('has an example Secret holding the store URL under the setting name kaudit reads', async () => {
    // Act
    const [secret] = parseAllDocuments(await read('infra/kubernetes/kaudit-store.example.yaml')).map((document) => document.toJS());

    // Assess
    expect(secret).toMatchObject({ kind: 'Secret', metadata: { name: 'kaudit-store', namespace: 'kaudit' } });
    expect(Object.keys(secret.stringData)).toContain(SETTINGS.storeUrl);
  });
});

describe('the container image (infra/container/Dockerfile)', () => {
  const instructions = async () =>
    (await read('infra/container/Dockerfile'))
      .split('\n')
      .filter((line) => /^[A-Z]+ /.test(line))
      .map((line) => ({ instruction: line.split(' ')[0] as string, rest: line.slice(line.indexOf(' ') + 1) }));

  it('runs as a non-root user', async () => {
    // Act
    const users = (await instructions()).filter((line) => line.instruction === 'USER');

    // Assess
    expect(users.at(-1)?.rest).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  it('starts kaudit from what it copies: its entry point runs `tail --help` and an ingest from a copy of just those paths', async () => {
    // Prepare: the paths the final stage copies from the build context, in a directory of their own
    const lines = await instructions();
    const copied = lines.filter((line) => line.instruction === 'COPY' && !line.rest.startsWith('--from')).flatMap((line) => line.rest.split(' ').slice(0, -1));
    const entrypoint = JSON.parse(lines.find((line) => line.instruction === 'ENTRYPOINT')?.rest ?? '[]') as string[];
    const image = await mkdtemp(path.join(tmpdir(), 'kaudit-image-'));
    try {
      for (const source of copied.filter((name) => !name.startsWith('package-lock'))) await cp(path.join(ROOT, source), path.join(image, source), { recursive: true });
      // The dependencies stage's npm ci, stood in for by the checkout's installed modules.
      await symlink(path.join(ROOT, 'node_modules'), path.join(image, 'node_modules'));
      await writeFile(path.join(image, 'audit.log'), auditLogLines([auditEvent()]));
      const command = entrypoint.slice(1).map((arg) => arg.replace('/opt/kaudit', image));

      // Act
      const help = spawnSync(process.execPath, [...command, 'tail', '--help'], { cwd: image, encoding: 'utf8' });
      const ingest = spawnSync(process.execPath, [...command, 'ingest', '--store', `file://${image}/lake`, '--json', 'audit.log'], { cwd: image, encoding: 'utf8' });

      // Assess
      expect(entrypoint[0]).toBe('node');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('--checkpoint');
      expect(ingest.status).toBe(0);
      expect(JSON.parse(ingest.stdout)).toMatchObject({ received: 1, written: 1 });
    } finally {
      await rm(image, { recursive: true, force: true });
    }
  });
});

describe('the systemd unit (infra/systemd)', () => {
  const unit = async () => {
    const entries = (await read('infra/systemd/kaudit-tail.service')).split('\n').filter((line) => /^\w+=/.test(line));
    return Object.fromEntries(entries.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  };

  it('runs kaudit tail as its own user with only flags kaudit tail has, stopped by SIGTERM', async () => {
    // Act
    const service = await unit();

    // Assess
    expect(service.User).not.toBe('root');
    expect(service.KillSignal).toBe('SIGTERM');
    expect(service.ExecStart).toMatch(/ tail \/var\/log\/kubernetes\/audit\/audit\.log /);
    const flags = (service.ExecStart ?? '').split(' ').filter((arg) => arg.startsWith('--'));
    expect(await tailFlags()).toEqual(expect.arrayContaining(flags));
    expect(service.ExecStart).toContain(`--checkpoint /var/lib/${service.StateDirectory}/`);
  });
});
