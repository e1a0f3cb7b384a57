/**
 * Saved Athena queries over the `events` view (both tiers: athena-views.ts). SQL keywords are upper case and identifiers lower
 * case, which lets a test check every identifier against the canonical columns.
 *
 * Each query reads the last 7 days only (`dt` is a projected partition, and the view keeps a filter
 * on it reaching both tables), and counts or lists distinct `event_id`s: the view already keeps one
 * row per event, so this only guards a query pasted onto `events_all`.
 */
export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
}

const LAST_7_DAYS = "dt >= date_format(CURRENT_DATE - INTERVAL '7' DAY, '%Y-%m-%d')";

export const NAMED_QUERIES: readonly NamedQuery[] = [
  {
    name: 'forbidden-requests-by-user',
    description: 'Users with the most requests refused by authorization (forbid or HTTP 403) in the last 7 days',
    sql: `SELECT user_name, user_type, count(DISTINCT event_id) AS forbidden_requests, min("time") AS first_seen, max("time") AS last_seen
FROM events
WHERE ${LAST_7_DAYS}
  AND stage = 'ResponseComplete'
  AND (authz_decision = 'forbid' OR response_code = 403)
GROUP BY user_name, user_type
ORDER BY forbidden_requests DESC
LIMIT 100`,
  },
  {
    name: 'secret-reads',
    description: 'Reads (get, list, watch) of Secrets in the last 7 days',
    sql: `SELECT DISTINCT event_id, "time", cluster_name, user_name, user_type, verb, object_namespace, object_name, src_peer_ip, user_agent, response_code
FROM events
WHERE ${LAST_7_DAYS}
  AND stage = 'ResponseComplete'
  AND object_api_group = 'core'
  AND object_resource = 'secrets'
  AND verb IN ('get', 'list', 'watch')
ORDER BY "time" DESC
LIMIT 1000`,
  },
  {
    name: 'exec-attach-into-pods',
    description: 'kubectl exec and attach sessions into pods in the last 7 days, one row per request',
    // An interactive session logs ResponseStarted when it opens and ResponseComplete when it ends:
    // grouping by request keeps one row, with the time the session opened.
    sql: `SELECT min("time") AS opened, cluster_name, user_name, object_namespace, object_name, object_subresource, arbitrary(request_uri) AS request_uri, max(response_code) AS response_code
FROM events
WHERE ${LAST_7_DAYS}
  AND object_api_group = 'core'
  AND object_resource = 'pods'
  AND object_subresource IN ('exec', 'attach')
GROUP BY cluster_id, audit_id, start_time, cluster_name, user_name, object_namespace, object_name, object_subresource
ORDER BY opened DESC
LIMIT 1000`,
  },
  {
    name: 'rbac-changes',
    description: 'Creates, updates and deletes of Roles, ClusterRoles and their bindings in the last 7 days',
    sql: `SELECT DISTINCT event_id, "time", cluster_name, user_name, user_type, verb, object_resource, object_namespace, object_name, response_code, outcome
FROM events
WHERE ${LAST_7_DAYS}
  AND stage = 'ResponseComplete'
  AND object_api_group = 'rbac.authorization.k8s.io'
  AND verb IN ('create', 'update', 'patch', 'delete', 'deletecollection')
ORDER BY "time" DESC
LIMIT 1000`,
  },
  {
    name: 'anonymous-requests',
    description: 'Unauthenticated (system:anonymous) requests in the last 7 days, by client address and URI',
    sql: `SELECT src_peer_ip, verb, request_uri, response_code, count(DISTINCT event_id) AS requests, min("time") AS first_seen, max("time") AS last_seen
FROM events
WHERE ${LAST_7_DAYS}
  AND stage = 'ResponseComplete'
  AND user_type = 'anonymous'
GROUP BY src_peer_ip, verb, request_uri, response_code
ORDER BY requests DESC
LIMIT 100`,
  },
];
