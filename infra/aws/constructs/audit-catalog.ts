import { Duration, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CANONICAL_COLUMNS, type Column, QUARANTINE_COLUMNS } from '../../../shared/schema/columns.ts';
import { EVENTS_PREFIX, QUARANTINE_PREFIX } from '../../../shared/store/layout.ts';
import { NAMED_QUERIES } from '../athena-queries.ts';
import { glueColumnsOf } from '../glue-columns.ts';
import type { LakeStorage } from './lake-storage.ts';
import { secureBucket } from './secure-bucket.ts';

export interface AuditCatalogProps {
  /** Glue database and Athena workgroup name. */
  name: string;
  lake: LakeStorage;
  /** First `dt` partition Athena projects (YYYY-MM-DD). */
  partitionsSince: string;
  resultsExpirationDays: number;
}

/**
 * Makes the lake queryable with Athena: Glue tables `events` and `quarantine` whose partitions
 * are projected from the key layout (no crawler, no MSCK REPAIR), a workgroup that enforces
 * encrypted results, and saved queries for common investigations.
 */
export class AuditCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly eventsTable: glue.CfnTable;
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
    this.eventsTable = this.table('Events', 'events', EVENTS_PREFIX, CANONICAL_COLUMNS, props);
    this.quarantineTable = this.table('Quarantine', 'quarantine', QUARANTINE_PREFIX, QUARANTINE_COLUMNS, props);

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
      saved.addResourceDependency(this.eventsTable);
    }
  }

  private table(id: string, name: string, prefix: string, columns: readonly Column[], props: AuditCatalogProps): glue.CfnTable {
    const location = props.lake.lakeLocation(prefix);
    const table = new glue.CfnTable(this, id, {
      catalogId: this.database.catalogId,
      databaseName: props.name,
      tableInput: {
        name,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
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
        storageDescriptor: {
          location,
          columns: glueColumnsOf(columns),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          // `ignore.malformed.json` stays off: a malformed line fails the query instead of reading as nulls.
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }
}
