/**
 * The functions' real pipelines over the file store, with the runtime the functions build from
 * their app settings (default limits, default redaction). Each function writes to one store that
 * lives as long as the benchmark, as a deployed store does (its partition directories already
 * exist after the first batch of an hour). A batch delivered again would only find its objects
 * already there, so the stored objects are removed between samples, outside what is measured.
 */
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { SETTINGS } from '../../shared/core/settings.ts';
import { type FunctionRuntime, functionRuntime } from '../../shared/runtime/function-runtime.ts';
import type { InvocationReport } from '../../shared/runtime/invocation-report.ts';
import { ingestCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-runtime.ts';
import { ingestEventHubBatch } from '../../shared/sources/eventhub/trigger-runtime.ts';
import type { AksBatch, EksBatch } from './payloads.ts';

export interface FunctionPipelines {
  eks: FunctionRuntime;
  /** The EKS function evaluating the built-in pack, with approved networks for the payloads' cluster. */
  eksWithPack: FunctionRuntime;
  aks: FunctionRuntime;
  /** Removes every object stored so far, keeping the directories: the next batches are new to the stores. */
  forgetStoredObjects(): void;
  /** Removes the stores. */
  close(): void;
}

export async function openFunctionPipelines(): Promise<FunctionPipelines> {
  const root = mkdtempSync(path.join(tmpdir(), 'kaudit-bench-'));
  const storeUrl = (name: string) => `file://${path.join(root, name)}`;
  return {
    eks: await functionRuntime(configFromEnv({ [SETTINGS.storeUrl]: storeUrl('eks') }), 'eu-west-1'),
    eksWithPack: await functionRuntime(
      configFromEnv({
        [SETTINGS.storeUrl]: storeUrl('eks-pack'),
        [SETTINGS.rules]: 'built-in',
        [SETTINGS.approvedNetworks]: JSON.stringify({ 'prod-eu': ['10.0.0.0/8', '198.51.100.0/24'] }),
      }),
      'eu-west-1',
    ),
    aks: await functionRuntime(configFromEnv({ [SETTINGS.storeUrl]: storeUrl('aks') }), 'westeurope'),
    forgetStoredObjects: () => removeFiles(root),
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

function removeFiles(directory: string): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) removeFiles(full);
    else unlinkSync(full);
  }
}
