import { childOf, parseXml, type XmlElement } from './bounded-xml.ts';

/** One page of a List Blobs answer: only what the store uses of it. */
export interface BlobListPage {
  blobs: { name: string; size: number }[];
  /** Where the next page starts; null on the last page. */
  nextMarker: string | null;
}

/**
 * The blobs and the next marker of a List Blobs answer (`<EnumerationResults>`). A name the
 * service had to percent-encode (`<Name Encoded="true">`, for characters XML cannot carry) is
 * decoded. Anything else amiss throws, saying what: a listing read wrong could hide objects.
 */
export function parseBlobListPage(xml: string): BlobListPage {
  const root = parseXml(xml);
  if (root.name !== 'EnumerationResults') throw new Error(`expected <EnumerationResults>, got <${root.name}>`);
  const blobs = (childOf(root, 'Blobs')?.children ?? []).filter((child) => child.name === 'Blob').map(blobOf);
  const nextMarker = childOf(root, 'NextMarker')?.text ?? '';
  return { blobs, nextMarker: nextMarker === '' ? null : nextMarker };
}

function blobOf(blob: XmlElement, index: number): { name: string; size: number } {
  const nameElement = childOf(blob, 'Name');
  if (!nameElement || nameElement.text === '') throw new Error(`blob ${index + 1} of the page has no <Name>`);
  let name = nameElement.text;
  if (nameElement.attributes.get('Encoded') === 'true') {
    try {
      name = decodeURIComponent(name);
    } catch {
      throw new Error(`blob ${index + 1} of the page has an encoded <Name> that does not decode`);
    }
  }
  const properties = childOf(blob, 'Properties');
  const length = properties ? childOf(properties, 'Content-Length')?.text : undefined;
  const size = length !== undefined && /^[0-9]{1,15}$/.test(length) ? Number(length) : NaN;
  if (Number.isNaN(size)) throw new Error(`blob ${index + 1} of the page has no <Properties><Content-Length> of digits`);
  return { name, size };
}

/** What an error answer's body says (`<Error><Code>…</Code><Message>…</Message></Error>`), when it is that. */
export function blobServiceErrorOf(xml: string): { code: string | null; message: string | null } {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    // An error page from a proxy or load balancer, not the service's: the status says enough.
    return { code: null, message: null };
  }
  if (root.name !== 'Error') return { code: null, message: null };
  const text = (name: string) => childOf(root, name)?.text.trim() || null;
  return { code: text('Code'), message: text('Message') };
}
