/** The dashboard over a temporary lake, on 127.0.0.1 and an ephemeral port, for the UI tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { Finding } from '../../shared/schema/finding.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { startDashboard } from '../../shared/ui/dashboard.ts';

export interface TestDashboard {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** What the server logged. */
  log: string[];
  stop(): Promise<void>;
}

export interface TestDashboardOptions {
  /** Findings to store beside the events (the lake's `findings` view then holds them). */
  findings?: readonly Finding[];
  token?: string;
}

/** Stores `events` in a fresh lake and serves the dashboard over it. */
export async function startTestDashboard(events: readonly CanonicalEvent[], options: TestDashboardOptions = {}): Promise<TestDashboard> {
  const root = await mkdtemp(path.join(tmpdir(), 'kaudit-ui-'));
  const store = new LakeEventStore(new FileObjectStore(`file://${root}`));
  await store.writeEvents('file-dashboard-test', events);
  if (options.findings) await store.writeFindings('file-dashboard-test', options.findings);
  const lake = await LakeQuery.open(root);
  const log: string[] = [];
  try {
    const server = await startDashboard({ lake, root, host: '127.0.0.1', port: 0, token: options.token ?? null, log: (line) => log.push(line) });
    return {
      url: server.url,
      log,
      async stop() {
        await server.close();
        lake.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    lake.close();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
