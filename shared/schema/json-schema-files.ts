import { CanonicalEventSchema, SCHEMA_VERSION } from './canonical-event.ts';
import { jsonSchemaOf } from './columns.ts';
import { QuarantineRecordSchema } from './quarantine-record.ts';

/** The checked-in JSON Schema files (path from the repo root → content), rendered from zod. */
export function renderJsonSchemas(): Record<string, string> {
  const render = (id: string, title: string, schema: Record<string, unknown>) =>
    `${JSON.stringify({ $id: id, title, ...schema }, null, 2)}\n`;
  return {
    'schema/k8s_audit-1.schema.json': render(
      'https://kaudit.dev/schema/k8s_audit-1.schema.json',
      `kaudit canonical event ${SCHEMA_VERSION}`,
      jsonSchemaOf(CanonicalEventSchema),
    ),
    'schema/quarantine-1.schema.json': render(
      'https://kaudit.dev/schema/quarantine-1.schema.json',
      'kaudit quarantine record v1',
      jsonSchemaOf(QuarantineRecordSchema),
    ),
  };
}
