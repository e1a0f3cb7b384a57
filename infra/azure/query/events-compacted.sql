-- Generated from the zod schema by `npm run schema:generate`: do not edit. Usage: docs/query-tier.md#azure
-- Needs the schema kaudit and the external data source kaudit_lake (the lake container's URL).

CREATE OR ALTER VIEW kaudit.events_compacted AS
SELECT rows.*, rows.filepath(1) AS dt, rows.filepath(2) AS hour
FROM OPENROWSET(
    BULK 'compacted/v1/dt=*/hour=*/*.parquet',
    DATA_SOURCE = 'kaudit_lake',
    FORMAT = 'PARQUET'
) WITH (
    [event_id] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [schema_version] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [audit_id] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [time] DATETIME2(6),
    [start_time] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [duration_ms] FLOAT,
    [stage] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [level] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [verb] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [request_uri] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [user_agent] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [is_resource_request] BIT,
    [object_api_group] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [object_api_version] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [object_resource] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [object_subresource] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [object_namespace] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [object_name] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [object_uid] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [object_resource_version] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [user_name] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [user_uid] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [user_groups] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [user_extra] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [user_type] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [sa_namespace] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [sa_name] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cloud_principal_arn] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cloud_principal_id] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cloud_session_name] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cloud_access_key_id] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [impersonated_user_name] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [impersonated_user_groups] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_ips] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [src_ip] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [src_peer_ip] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [response_code] BIGINT,
    [response_status] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [response_reason] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [response_message] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [authz_decision] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [authz_reason] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [outcome] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [annotations] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [request_object] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [response_object] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [platform] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cloud_provider] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cloud_account_id] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cloud_region] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [azure_resource_group] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cluster_name] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [cluster_id] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_type] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_stream] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_category] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_partition] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_offset] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_record_id] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [source_record_index] BIGINT,
    [source_time] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [ingest_time] DATETIME2(6),
    [normalizer_version] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [is_truncated] BIT,
    [parse_warnings] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8,
    [raw_sha256] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8
) AS rows;
GO

-- One row per event, the copy the dedupe rule keeps: an hour compacted again leaves its earlier Parquet objects in place.
CREATE OR ALTER VIEW kaudit.events AS
SELECT [event_id], [schema_version], [audit_id], [time], [start_time], [duration_ms], [stage], [level], [verb], [request_uri], [user_agent], [is_resource_request], [object_api_group], [object_api_version], [object_resource], [object_subresource], [object_namespace], [object_name], [object_uid], [object_resource_version], [user_name], [user_uid], [user_groups], [user_extra], [user_type], [sa_namespace], [sa_name], [cloud_principal_arn], [cloud_principal_id], [cloud_session_name], [cloud_access_key_id], [impersonated_user_name], [impersonated_user_groups], [source_ips], [src_ip], [src_peer_ip], [response_code], [response_status], [response_reason], [response_message], [authz_decision], [authz_reason], [outcome], [annotations], [request_object], [response_object], [platform], [cloud_provider], [cloud_account_id], [cloud_region], [azure_resource_group], [cluster_name], [cluster_id], [source_type], [source_stream], [source_category], [source_partition], [source_offset], [source_record_id], [source_record_index], [source_time], [ingest_time], [normalizer_version], [is_truncated], [parse_warnings], [raw_sha256], dt, hour
FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY dt, hour, event_id ORDER BY ingest_time, source_stream, source_record_index) AS copy_rank
    FROM kaudit.events_compacted
) AS copies
WHERE copy_rank = 1;
GO
