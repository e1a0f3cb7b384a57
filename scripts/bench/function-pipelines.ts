/**
 * The functions' real pipelines over the file store, with the runtime the functions build from
 * their app settings (default limits, default redaction). Each call gets a store of its own:
 * a batch delivered again into the same store would only find its objects already written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InvocationReport } from '../../shared/reliability/invocation-report.ts';
import { ingestEventHubBatch } from '../../shared/runtime/aks-eventhub.ts';
import { ingestCloudWatchSubscription } from '../../shared/runtime/eks-cloudwatch.ts';
import { runtimeFromEnv, type FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import { SETTINGS } from '../../shared/runtime/settings.ts';
import { openEventStore } from '../../shared/store/open-store.ts';
import type { AksBatch, EksBatch } from './payloads.ts';

export interface FunctionPipelines {
  /** A runtime whose store is new and empty; opening it is not part of what is measured. */
  freshEksRuntime(): Promise<FunctionRuntime>;
  freshAksRuntime(): Promise<FunctionRuntime>;
  /** Removes every store made. */
  close(): void;
}

export async function openFunctionPipelines(): Promise<FunctionPipelines> {
  const root = mkdtempSync(path.join(tmpdir(), 'kaudit-bench-'));
  let stores = 0;
  const nextStoreUrl = () => `file://${path.join(root, `store-${++stores}`)}`;
  const eks = await runtimeFromEnv({ [SETTINGS.storeUrl]: nextStoreUrl(), [SETTINGS.awsRegion]: 'eu-west-1' }, SETTINGS.awsRegion);
  const aks = await runtimeFromEnv({ [SETTINGS.storeUrl]: nextStoreUrl(), [SETTINGS.region]: 'westeurope' }, SETTINGS.region);
  const withFreshStore = async (runtime: FunctionRuntime): Promise<FunctionRuntime> => ({ ...runtime, store: await openEventStore(nextStoreUrl()) });
  return {
    freshEksRuntime: () => withFreshStore(eks),
    freshAksRuntime: () => withFreshStore(aks),
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function ingestEks(batch: EksBatch, runtime: FunctionRuntime): Promise<InvocationReport> {
  return ingestCloudWatchSubscription(batch.event, runtime);
}

/** The trigger's first and only attempt, without a dead-letter store: a failure would throw. */
export function ingestAks(batch: AksBatch, runtime: FunctionRuntime): Promise<InvocationReport> {
  return ingestEventHubBatch(batch.bodies, batch.metadata, runtime, { deadLetter: null });
}

/** A benchmark that stored less than it was given measured something else: it stops there. */
export function expectAllWritten(report: InvocationReport, events: number, what: string): void {
  if (report.summary.written !== events) throw new Error(`${what}: expected ${events} events written, got ${JSON.stringify(report.summary)}`);
}
