/**
 * Behaviour analytics over the lake (seed 003's UEBA): parameterised SQL over the `events` view,
 * each giving the event at which its behaviour showed, which becomes a finding like a rule's.
 *
 * - a new identity making many changes: an identity first seen in the window (no event of it in
 *   the lake before) that makes at least N successful changes within T minutes;
 * - a new network for an identity: an identity with history in the baseline period (the days
 *   before the window) acting from a network (IPv4 /24, IPv6 the first four groups as written)
 *   it never acted from in that period;
 * - bursts of refusals: at least N requests refused with 403 within T minutes, per identity and
 *   per source address (the connection's peer).
 *
 * The lake must be opened with the baseline period before the window ({@link lakeRangeFor}).
 */
import type { LakeQuery } from '../query/lake-query.ts';
import type { TimeRange } from '../query/time-range.ts';
import type { Finding } from '../schema/finding.ts';
import { type DetectionIdentity, type FindingEventFields, findingOf } from '../transforms/detection/finding-of.ts';
import { inWindow, timestampSql, wholeNumber } from './window-sql.ts';

export interface AnalyticsParameters {
  /** A new identity: at least `minChanges` successful creates, updates, patches or deletes within `withinMinutes`. */
  newIdentity: { minChanges: number; withinMinutes: number };
  /** A new network: the days before the window that make an identity's known networks. */
  newNetwork: { baselineDays: number };
  /** Bursts: at least `minRefusals` 403 answers within `withinMinutes`. */
  forbiddenBurst: { minRefusals: number; withinMinutes: number };
}

export const DEFAULT_ANALYTICS_PARAMETERS: AnalyticsParameters = {
  newIdentity: { minChanges: 20, withinMinutes: 10 },
  newNetwork: { baselineDays: 14 },
  forbiddenBurst: { minRefusals: 10, withinMinutes: 5 },
};

/** The analytics as findings name them: fixed ids, so a finding's id is stable across runs. */
export const ANALYTICS = {
  newIdentity: analytic('8d1f6a52-3c47-4e0b-9a6d-1f2e3b4c5d60', 'New Identity Making Many Changes', 'medium', ['attack.persistence', 'attack.t1078']),
  newNetwork: analytic('4b7e2c91-5a38-4f6d-8e1c-2a3b4c5d6e70', 'Identity Acting From A Network New To It', 'medium', ['attack.initial-access', 'attack.t1078']),
  forbiddenByIdentity: analytic('c35a9e17-6d24-4b8f-a1e0-3b4c5d6e7f80', 'Burst Of Refused Requests By One Identity', 'low', ['attack.discovery', 'attack.t1613']),
  forbiddenBySource: analytic('e6f20b48-7c19-4a5d-b2f1-4c5d6e7f8091', 'Burst Of Refused Requests From One Address', 'low', ['attack.discovery', 'attack.t1613']),
} as const;

function analytic(id: string, title: string, level: Finding['level'], tags: string[]): DetectionIdentity {
  return { kind: 'analytic', id, title, source: 'analytics', level, tags };
}

const DAY_MS = 86_400_000;

/** The time range the lake must hold for analytics over `window`: the baseline period before it too. */
export function lakeRangeFor(window: Window, parameters: AnalyticsParameters = DEFAULT_ANALYTICS_PARAMETERS): TimeRange {
  return { since: new Date(window.since.getTime() - wholeNumber(parameters.newNetwork.baselineDays, 'baseline days') * DAY_MS), until: window.until };
}

/** Every analytic's findings over the window, in the order of the analytics, then of time. */
export async function analyticsFindings(lake: LakeQuery, window: Window, detectedTime: string, parameters: AnalyticsParameters = DEFAULT_ANALYTICS_PARAMETERS): Promise<Finding[]> {
  const { newIdentity, newNetwork, forbiddenBurst } = parameters;
  const changes = wholeNumber(newIdentity.minChanges, 'new identity changes');
  const changeMinutes = wholeNumber(newIdentity.withinMinutes, 'new identity minutes');
  const refusals = wholeNumber(forbiddenBurst.minRefusals, 'burst refusals');
  const burstMinutes = wholeNumber(forbiddenBurst.withinMinutes, 'burst minutes');
  const baselineDays = wholeNumber(newNetwork.baselineDays, 'baseline days');
  const runs: [DetectionIdentity, string, (row: Row) => string][] = [
    [
      ANALYTICS.newIdentity,
      newIdentitySql(window, changes, changeMinutes),
      (row) => `first seen ${row.first_seen_at}; ${row.recent} successful changes within ${changeMinutes} minutes`,
    ],
    [
      ANALYTICS.newNetwork,
      newNetworkSql(window, baselineDays),
      (row) => `first request from ${row.network}, a network this identity did not act from in the ${baselineDays} days before`,
    ],
    [ANALYTICS.forbiddenByIdentity, burstSql(window, 'user_name', refusals, burstMinutes), (row) => `${row.recent} requests refused (403) within ${burstMinutes} minutes`],
    [
      ANALYTICS.forbiddenBySource,
      burstSql(window, 'src_peer_ip', refusals, burstMinutes),
      (row) => `${row.recent} requests refused (403) from ${row.src_peer_ip} within ${burstMinutes} minutes`,
    ],
  ];
  const findings: Finding[] = [];
  for (const [identity, sql, detail] of runs) {
    const { rows } = await lake.run(sql);
    for (const row of rows as Row[]) findings.push(findingOf(identity, row, detectedTime, detail(row)));
  }
  return findings;
}

type Row = FindingEventFields & Record<string, unknown>;
/** Analytics need the start of their window: the baseline is the days before it, and "first seen" is judged from it. */
type Window = TimeRange & { since: Date };

/** Events with their time as a TIMESTAMP and a cluster key that is never null. */
const EVENTS = `SELECT * EXCLUDE (dt, hour), TRY_CAST(time AS TIMESTAMP) AS ts, coalesce(cluster_id, '') AS cluster_key FROM events`;
const CHANGE_VERBS = `('create', 'update', 'patch', 'delete', 'deletecollection')`;

/** The first change at which a new identity reached `changes` within `minutes`: one finding per identity. */
function newIdentitySql(window: Window, changes: number, minutes: number): string {
  return `WITH ev AS (${EVENTS} WHERE user_name IS NOT NULL),
  first_seen AS (SELECT cluster_key, user_name, min(ts) AS first_ts FROM ev GROUP BY cluster_key, user_name),
  counted AS (
    SELECT ev.*, strftime(first_seen.first_ts, '%Y-%m-%dT%H:%M:%SZ') AS first_seen_at,
      count(*) OVER (PARTITION BY ev.cluster_key, ev.user_name ORDER BY ev.ts RANGE BETWEEN INTERVAL ${minutes} MINUTE PRECEDING AND CURRENT ROW) AS recent
    FROM ev JOIN first_seen USING (cluster_key, user_name)
    WHERE first_seen.first_ts >= ${since(window)} AND ${inWindow(window, 'ev.ts')}
      AND ev.stage = 'ResponseComplete' AND ev.outcome = 'success' AND ev.verb IN ${CHANGE_VERBS}
      AND ev.user_type IN ('user', 'service_account', 'anonymous'))
  SELECT * EXCLUDE (ts, cluster_key) FROM counted WHERE recent >= ${changes}
  QUALIFY row_number() OVER (PARTITION BY cluster_key, user_name ORDER BY ts, event_id) = 1
  ORDER BY ts, event_id`;
}

/** The network of an address: IPv4 /24; IPv6 the first four groups as written. */
const NETWORK = `CASE WHEN src_peer_ip LIKE '%:%' THEN array_to_string(string_split(lower(src_peer_ip), ':')[1:4], ':') || '::/64'
  ELSE regexp_extract(src_peer_ip, '^(\\d+\\.\\d+\\.\\d+)\\.\\d+$', 1) || '.0/24' END`;

/** A person's first request in the window from each network they did not act from in the baseline; people without a baseline are new identities, not new networks. */
function newNetworkSql(window: Window, baselineDays: number): string {
  return `WITH ev AS (
    SELECT *, ${NETWORK} AS network FROM (${EVENTS} WHERE user_name IS NOT NULL AND user_type = 'user' AND src_peer_ip IS NOT NULL)
    WHERE src_peer_ip NOT LIKE '127.%' AND src_peer_ip <> '::1'),
  baseline AS (SELECT DISTINCT cluster_key, user_name, network FROM ev WHERE ts >= ${since(window)} - INTERVAL ${baselineDays} DAY AND ts < ${since(window)}),
  known AS (SELECT DISTINCT cluster_key, user_name FROM baseline)
  SELECT ev.* EXCLUDE (ts, cluster_key) FROM ev
    SEMI JOIN known USING (cluster_key, user_name)
    ANTI JOIN baseline USING (cluster_key, user_name, network)
  WHERE ${inWindow(window, 'ev.ts')} AND ev.network IS NOT NULL AND ev.network <> '.0/24'
  QUALIFY row_number() OVER (PARTITION BY ev.cluster_key, ev.user_name, ev.network ORDER BY ev.ts, ev.event_id) = 1
  ORDER BY ev.ts, ev.event_id`;
}

/** The request at which refusals by one `key` (identity or address) reached `refusals` within `minutes`, again after each lull. */
function burstSql(window: Window, key: 'user_name' | 'src_peer_ip', refusals: number, minutes: number): string {
  return `WITH ev AS (${EVENTS} WHERE response_code = 403 AND stage = 'ResponseComplete' AND ${key} IS NOT NULL),
  counted AS (
    SELECT *, count(*) OVER (PARTITION BY cluster_key, ${key} ORDER BY ts RANGE BETWEEN INTERVAL ${minutes} MINUTE PRECEDING AND CURRENT ROW) AS recent
    FROM ev WHERE ${inWindow(window, 'ts')}),
  crossings AS (
    SELECT *, lag(recent, 1, 0) OVER (PARTITION BY cluster_key, ${key} ORDER BY ts, event_id) AS before FROM counted)
  SELECT * EXCLUDE (ts, cluster_key, before) FROM crossings WHERE recent >= ${refusals} AND before < ${refusals}
  ORDER BY ts, event_id`;
}

function since(window: Window): string {
  return timestampSql(window.since);
}
