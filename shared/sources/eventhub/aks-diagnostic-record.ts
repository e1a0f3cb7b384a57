import { countSkip, type DecodedBatch } from '../../core/decoded-batch.ts';
import { safeText } from '../../core/json-text.ts';
import type { Limits } from '../../core/limits.ts';
import { buildQuarantineRecord } from '../../core/quarantine.ts';
import { toUtcIso } from '../../core/time.ts';
import type { Provenance } from '../../schema/canonical-event.ts';

/** AKS diagnostic-log categories that carry audit events. `kube-audit-admin` is `kube-audit` without get/list/watch. */
export const AKS_AUDIT_CATEGORIES: ReadonlySet<string> = new Set(['kube-audit', 'kube-audit-admin']);

/** An AKS cluster's `resourceId`: subscription, resource group and cluster name. */
const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/i;

/**
 * One AKS diagnostic record (the payload an Event Hubs message carries, ./eventhub-messages.ts) as
 * a source record: `properties.log` is the audit event, as text or as an object. Records of other
 * categories are skipped and counted; a record without a log is quarantined.
 */
export function decodeAksRecord(batch: DecodedBatch, record: unknown, base: Provenance, where: string, limits: Limits): void {
  const fields = (typeof record === 'object' && record !== null ? record : {}) as Record<string, unknown>;
  const category = typeof fields.category === 'string' ? fields.category : null;
  if (category !== null && !AKS_AUDIT_CATEGORIES.has(category)) {
    countSkip(batch, 'not_audit_category');
    return;
  }
  const provenance: Provenance = {
    ...base,
    ...clusterOf(fields.resourceId),
    source_category: category,
    source_time: (typeof fields.time === 'string' ? toUtcIso(fields.time) : null) ?? base.source_time,
  };
  const log = (fields.properties as { log?: unknown } | undefined)?.log;
  if (category === null || (typeof log !== 'string' && (typeof log !== 'object' || log === null))) {
    const detail = `${where}: expected an AKS diagnostic record {category, resourceId, properties: {log}}`;
    batch.quarantined.push(buildQuarantineRecord(provenance, 'invalid_record', detail, safeText(record)));
  } else if (typeof log === 'string' && log.length > limits.maxEventBytes) {
    const detail = `${where}: properties.log is ${log.length} characters, over the event size limit of ${limits.maxEventBytes}`;
    batch.quarantined.push(buildQuarantineRecord(provenance, 'limit_exceeded', detail, log));
  } else if (typeof log === 'string') {
    batch.records.push({ text: log, provenance });
  } else {
    batch.records.push({ text: null, value: log, provenance });
  }
}

/** Subscription, resource group and cluster from an AKS `resourceId` (Azure upper-cases it). */
function clusterOf(resourceId: unknown): Partial<Provenance> {
  if (typeof resourceId !== 'string') return {};
  const match = RESOURCE_ID.exec(resourceId);
  if (!match) return {};
  const [, subscription, resourceGroup, cluster] = match as unknown as [string, string, string, string];
  return {
    cloud_account_id: subscription.toLowerCase(),
    azure_resource_group: resourceGroup.toLowerCase(),
    cluster_name: cluster.toLowerCase(),
    cluster_id: resourceId.toLowerCase(),
  };
}
