/**
 * The key of part `index` of a source batch stored in several parts (a source batch holding more
 * records than one batch may): `<key>` for the first, `<key>-<index>` for the others. Derived
 * from the source batch's key and the part's position only, so a redelivered source batch maps
 * every part to the objects it was stored as before.
 */
export function partKey(batchKey: string, index: number): string {
  return index === 0 ? batchKey : `${batchKey}-${index}`;
}
