import { Duration, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CANONICAL_COLUMNS, QUARANTINE_COLUMNS } from '../../../shared/schema/columns.ts';
import { EVENTS_PREFIX, QUARANTINE_PREFIX, SYMLINK_LISTS_PREFIX } from '../../../shared/store/layout.ts';
import { NAMED_QUERIES } from '../athena-queries.ts';
import { eventsViewColumns, eventsViewSql, prestoViewText } from '../athena-views.ts';
import { type GlueColumn, glueColumnsOf } from '../glue-columns.ts';
import type { LakeStorage } from './lake-storage.ts';
import { secureBucket } from './secure-bucket.ts';

export interface AuditCatalogProps {
  /** Glue database and Athena workgroup name. */
  name: string;
  lake: LakeStorage;
  /** First `dt` partition Athena projects (YYYY-MM-DD). */
  partitionsSince: string;
  resultsExpirationDays: number;
  /** Hours after its end by which the scheduled compaction has compacted an hour: `events` reads Parquet for older hours. */
  compactionLagHours: number;
}

/** How a table's objects are read: gzip NDJSON, or Parquet through per-hour symlink lists. */
const TABLE_FORMATS = {
  ndjson: {
    parameters: { classification: 'json', compressionType: 'gzip' },
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    // `ignore.malformed.json` stays off: a malformed line fails the query instead of reading as nulls.
    serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
  },
  parquetViaSymlinks: {
    parameters: { classification: 'parquet' },
    // Each partition's location holds one text file listing the Parquet objects to read.
    inputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
} as const;

/**
 * Makes the lake queryable with Athena: Glue tables whose partitions are projected from the key
 * layout (no crawler, no MSCK REPAIR) — `events_all` (every stored NDJSON row), `events_compacted`
 * (the Parquet tier, through the symlink lists compaction writes) and `quarantine` — the view
 * `events` (every event once, over both tiers), a workgroup that enforces encrypted results, and
 * saved queries for common investigations.
 */
export class AuditCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly eventsView: glue.CfnTable;
  readonly quarantineTable: glue.CfnTable;
  readonly workgroup: athena.CfnWorkGroup;
  readonly results: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditCatalogProps) {
    super(scope, id);
    const catalogId = Stack.of(this).account;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: { name: props.name, description: 'kaudit: Kubernetes audit events (canonical event k8s_audit/1)' },
    });
    const eventsAll = this.table('Events', 'events_all', EVENTS_PREFIX, glueColumnsOf(CANONICAL_COLUMNS), 'ndjson', props);
    const compacted = this.table('EventsCompacted', 'events_compacted', SYMLINK_LISTS_PREFIX, glueColumnsOf(CANONICAL_COLUMNS, 'parquet'), 'parquetViaSymlinks', props);
    this.quarantineTable = this.table('Quarantine', 'quarantine', QUARANTINE_PREFIX, glueColumnsOf(QUARANTINE_COLUMNS), 'ndjson', props);
    this.eventsView = this.view(
      'EventsView',
      'events',
      eventsViewSql({ ndjson: 'events_all', parquet: 'events_compacted', lagHours: props.compactionLagHours }),
      eventsViewColumns(),
      props.name,
    );
    this.eventsView.addResourceDependency(eventsAll);
    this.eventsView.addResourceDependency(compacted);

    this.results = secureBucket(this, 'Results', {
      encryptionKey: props.lake.encryptionKey,
      accessLogs: { bucket: props.lake.accessLogs, prefix: 'athena-results/' },
      lifecycleRules: [{ id: 'expire-query-results', expiration: Duration.days(props.resultsExpirationDays) }],
    });
    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: props.name,
      description: 'kaudit: queries over the audit lake',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot send results elsewhere or unencrypted.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: this.results.s3UrlForObject('results/'),
          encryptionConfiguration: props.lake.encryptionKey ? { encryptionOption: 'SSE_KMS', kmsKey: props.lake.encryptionKey.keyArn } : { encryptionOption: 'SSE_S3' },
        },
      },
    });

    for (const query of NAMED_QUERIES) {
      const saved = new athena.CfnNamedQuery(this, `Query-${query.name}`, {
        name: `kaudit ${query.name}`,
        description: query.description,
        database: props.name,
        workGroup: this.workgroup.name,
        queryString: query.sql,
      });
      saved.addResourceDependency(this.workgroup);
      saved.addResourceDependency(this.eventsView);
    }
  }

  private table(id: string, name: string, prefix: string, columns: GlueColumn[], format: keyof typeof TABLE_FORMATS, props: AuditCatalogProps): glue.CfnTable {
    const location = props.lake.lakeLocation(prefix);
    const { parameters, inputFormat, outputFormat, serializationLibrary } = TABLE_FORMATS[format];
    const table = new glue.CfnTable(this, id, {
      catalogId: this.database.catalogId,
      databaseName: props.name,
      tableInput: {
        name,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          ...parameters,
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.partitionsSince},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${location}dt=\${dt}/hour=\${hour}/`,
        },
        partitionKeys: [
          { name: 'dt', type: 'string', comment: 'UTC date of `time` (YYYY-MM-DD)' },
          { name: 'hour', type: 'string', comment: 'UTC hour of `time` (00-23)' },
        ],
        storageDescriptor: { location, columns, inputFormat, outputFormat, serdeInfo: { serializationLibrary } },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }

  /** An Athena view, stored in the catalog as Athena's own `CREATE VIEW` stores one. */
  private view(id: string, name: string, sql: string, columns: GlueColumn[], database: string): glue.CfnTable {
    const view = new glue.CfnTable(this, id, {
      catalogId: this.database.catalogId,
      databaseName: database,
      tableInput: {
        name,
        tableType: 'VIRTUAL_VIEW',
        parameters: { presto_view: 'true', comment: 'Presto View' },
        viewOriginalText: prestoViewText(database, sql, columns),
        viewExpandedText: '/* Presto View */',
        storageDescriptor: { columns, serdeInfo: {} },
      },
    });
    view.addResourceDependency(this.database);
    return view;
  }
}
