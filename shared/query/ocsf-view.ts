/**
 * `events_ocsf`: the `events` view as OCSF API Activity (class 6003) events, one row per event,
 * each OCSF top-level attribute a column (objects as DuckDB structs, printed as JSON objects).
 * Mapping: docs/query-tier.md#events_ocsf.
 */
/** OCSF schema version the projection follows. */
const OCSF_VERSION = '1.2.0';

const ACTIVITY = `CASE verb
    WHEN 'create' THEN 1
    WHEN 'get' THEN 2 WHEN 'list' THEN 2 WHEN 'watch' THEN 2
    WHEN 'update' THEN 3 WHEN 'patch' THEN 3
    WHEN 'delete' THEN 4 WHEN 'deletecollection' THEN 4
    ELSE 99 END`;

const ACTIVITY_NAME = `CASE activity_id WHEN 1 THEN 'Create' WHEN 2 THEN 'Read' WHEN 3 THEN 'Update' WHEN 4 THEN 'Delete' ELSE 'Other' END`;

const ISO_MICROS = "'%Y-%m-%dT%H:%M:%S.%fZ'";

/** The SELECT of `events_ocsf`, over the `events` view. */
export const EVENTS_OCSF_SQL = `SELECT
    6003 AS class_uid, 'API Activity' AS class_name, 6 AS category_uid, 'Application Activity' AS category_name,
    activity_id, ${ACTIVITY_NAME} AS activity_name, 600300 + activity_id AS type_uid, 'API Activity: ' || ${ACTIVITY_NAME} AS type_name,
    epoch_ms(time) AS time, strftime(time, ${ISO_MICROS}) AS time_dt,
    epoch_ms(TRY_CAST(start_time AS TIMESTAMP)) AS start_time, strftime(TRY_CAST(start_time AS TIMESTAMP), ${ISO_MICROS}) AS start_time_dt,
    1 AS severity_id, 'Informational' AS severity,
    CASE outcome WHEN 'success' THEN 1 WHEN 'failure' THEN 2 ELSE 0 END AS status_id,
    CASE outcome WHEN 'success' THEN 'Success' WHEN 'failure' THEN 'Failure' ELSE 'Unknown' END AS status,
    CAST(response_code AS VARCHAR) AS status_code, response_reason AS status_detail,
    stage AS message,
    {'user': {'name': user_name, 'uid': user_uid, 'type_id': CASE user_type WHEN 'user' THEN 1 WHEN 'system' THEN 3 WHEN 'node' THEN 3 WHEN 'service_account' THEN 3 ELSE 0 END,
              'groups': list_transform(coalesce(user_groups, []), group_name -> {'name': group_name})},
     'session': {'credential_uid': cloud_access_key_id, 'issuer': cloud_principal_arn, 'uid': cloud_session_name}} AS actor,
    {'operation': verb, 'request': {'uid': audit_id}, 'response': {'code': CAST(response_code AS INTEGER)}, 'version': object_api_version, 'group': {'name': object_api_group}} AS api,
    {'ip': src_ip} AS src_endpoint,
    {'url': {'path': request_uri}, 'user_agent': user_agent} AS http_request,
    CASE WHEN is_resource_request THEN [{'name': object_name, 'namespace': object_namespace, 'type': object_resource, 'uid': object_uid}] ELSE [] END AS resources,
    {'provider': CASE cloud_provider WHEN 'aws' THEN 'AWS' WHEN 'azure' THEN 'Azure' END, 'region': cloud_region, 'account': {'uid': cloud_account_id}} AS cloud,
    {'version': '${OCSF_VERSION}', 'uid': event_id, 'log_level': level, 'log_name': platform, 'profiles': ['cloud', 'datetime'],
     'product': {'name': 'kaudit', 'vendor_name': 'kaudit', 'version': normalizer_version, 'feature': {'name': source_type}}} AS metadata,
    dt, hour
  FROM (SELECT *, ${ACTIVITY} AS activity_id FROM events)`;
