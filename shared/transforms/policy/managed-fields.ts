import { isRecord, type JsonRecord, mapItems, mapKeys, withKey } from '../../core/json-value.ts';

/**
 * An object without `metadata.managedFields`, also in the items of a list and the objects of a
 * Table's rows, as kube-apiserver drops them under omitManagedFields. The same reference when there
 * were none.
 */
export function withoutManagedFields(value: unknown): unknown {
  if (!isRecord(value)) return value;
  let result = stripRecord(value);
  if (Array.isArray(value.items)) {
    const items = mapItems(value.items, stripOwn);
    if (items !== value.items) result = withKey(result, 'items', items);
  }
  if (Array.isArray(value.rows)) {
    const rows = mapItems(value.rows, (row) => (isRecord(row) ? mapKeys(row, ['object'], stripOwn) : row));
    if (rows !== value.rows) result = withKey(result, 'rows', rows);
  }
  return result;
}

function stripOwn(object: unknown): unknown {
  return isRecord(object) ? stripRecord(object) : object;
}

function stripRecord(object: JsonRecord): JsonRecord {
  if (!isRecord(object.metadata) || !Object.hasOwn(object.metadata, 'managedFields')) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return withKey(object, 'metadata', metadata);
}
