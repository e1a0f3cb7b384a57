/**
 * Alerts for the findings a function stores: each finding at or above KAUDIT_ALERT_LEVEL sent as
 * an event, to an EventBridge bus (AWS: KAUDIT_ALERT_EVENT_BUS; rules there route it to SNS) or
 * an Event Grid topic (Azure: KAUDIT_ALERT_EVENT_GRID_ENDPOINT, with the app's managed identity).
 * A send that fails throws, so the batch is delivered again and its findings sent again: alerts
 * are at least once, and a finding's id tells a repeat.
 */
import type { KauditConfig } from '../config/settings-schema.ts';
import { SETTINGS } from '../core/settings.ts';
import type { PipelineOptions } from '../pipeline/ingest-batch.ts';
import type { Finding } from '../schema/finding.ts';
import { FINDING_EVENT, findingsAtOrAbove } from '../schema/finding-constants.ts';
import { AppServiceManagedIdentityCredential } from '../store/app-service-managed-identity.ts';
import { storeSettingsOf } from '../store/store-settings.ts';

/** PutEvents takes at most 10 entries a call. */
const EVENTBRIDGE_BATCH = 10;
const EVENT_GRID_SCOPE = 'https://eventgrid.azure.net/.default';

type Send = (findings: readonly Finding[]) => Promise<void>;

/** The alert sink the settings configure; none when neither a bus nor a topic is set. */
export function findingAlertsOf(config: KauditConfig): PipelineOptions['onFindingsStored'] {
  const bus = config.alertEventBus;
  const topic = config.alertEventGridEndpoint;
  if (!bus && !topic) return undefined;
  const send = bus ? eventBridgeSender(bus) : eventGridSender(topicUrl(topic as string), config);
  return async (findings) => {
    const alerted = findingsAtOrAbove(findings, config.alertLevel);
    if (alerted.length > 0) await send(alerted);
  };
}

function eventBridgeSender(bus: string): Send {
  // The client is loaded when the first alert is sent: a function without alerts never loads it.
  let client: Promise<{ send: (findings: readonly Finding[]) => Promise<void> }> | null = null;
  const connect = async () => {
    const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    const eventBridge = new EventBridgeClient({});
    return {
      send: async (findings: readonly Finding[]) => {
        for (let start = 0; start < findings.length; start += EVENTBRIDGE_BATCH) {
          const entries = findings.slice(start, start + EVENTBRIDGE_BATCH).map((finding) => ({
            EventBusName: bus,
            Source: FINDING_EVENT.source,
            DetailType: FINDING_EVENT.detailType,
            Time: new Date(finding.time),
            Resources: [],
            Detail: JSON.stringify(finding),
          }));
          const answer = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
          if ((answer.FailedEntryCount ?? 0) > 0) {
            const codes = [...new Set((answer.Entries ?? []).map((entry) => entry.ErrorCode).filter(Boolean))].join(', ');
            throw new Error(`EventBridge bus ${bus}: ${answer.FailedEntryCount} of ${entries.length} findings not accepted (${codes})`);
          }
        }
      },
    };
  };
  return async (findings) => {
    client ??= connect();
    await (await client).send(findings);
  };
}

function topicUrl(endpoint: string): URL {
  try {
    const url = new URL(endpoint);
    if (url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new Error(`${SETTINGS.alertEventGridEndpoint}: expected the topic's https endpoint (https://<topic>.<region>-1.eventgrid.azure.net/api/events)`);
}

/** Event Grid's own event schema, authorised with the app's managed identity (the role EventGrid Data Sender). */
function eventGridSender(url: URL, config: KauditConfig): Send {
  const identity = storeSettingsOf(config).azureManagedIdentity;
  if (identity === null) throw new Error(`${SETTINGS.alertEventGridEndpoint} is set, but the app has no managed identity to send with`);
  const credential = new AppServiceManagedIdentityCredential(identity);
  return async (findings) => {
    const token = await credential.getToken(EVENT_GRID_SCOPE);
    const events = findings.map((finding) => ({
      id: finding.finding_id,
      eventType: FINDING_EVENT.detailType,
      subject: `kaudit/${finding.cluster_name ?? 'unknown'}/${finding.rule_id}`,
      eventTime: finding.time,
      dataVersion: '1',
      data: finding,
    }));
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
      body: JSON.stringify(events),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`Event Grid topic ${url.origin}${url.pathname}: answered ${response.status}`);
  };
}
