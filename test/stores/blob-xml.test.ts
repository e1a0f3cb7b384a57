/**
 * Reading the Blob service's XML answers, which kaudit treats as untrusted: List Blobs pages and
 * error bodies as the service writes them, and hostile documents (entity definitions, deep
 * nesting, oversized text) refused without expanding or quoting them.
 */
import { describe, expect, it } from 'vitest';
import { blobServiceErrorOf, parseBlobListPage } from '../../shared/store/blob-xml-answers.ts';
import { parseXml, XmlError } from '../../shared/store/bounded-xml.ts';

interface ListedBlob {
  /** The <Name> element's content, as written into the XML (escape it yourself). */
  nameXml: string;
  size: number | string;
  encoded?: boolean;
}

/** A List Blobs answer as the service writes it, with every property a blob has. */
function listing(blobs: readonly ListedBlob[], nextMarkerXml = ''): string {
  const entries = blobs.map(
    ({ nameXml, size, encoded }) =>
      `<Blob><Name${encoded ? ' Encoded="true"' : ''}>${nameXml}</Name><Properties>` +
      '<Creation-Time>Fri, 20 Nov 2026 14:00:00 GMT</Creation-Time><Last-Modified>Fri, 20 Nov 2026 14:00:00 GMT</Last-Modified>' +
      `<Etag>0x8DCB0A1B2C3D4E5</Etag><Content-Length>${size}</Content-Length><Content-Type>application/octet-stream</Content-Type>` +
      '<Content-MD5 /><BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>' +
      '<ServerEncrypted>true</ServerEncrypted></Properties><Metadata /></Blob>',
  );
  return (
    '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n' +
    '<EnumerationResults ServiceEndpoint="https://auditlake.blob.core.windows.net/" ContainerName="kaudit">' +
    `<Prefix>prod/events/</Prefix><Blobs>${entries.join('')}</Blobs>` +
    (nextMarkerXml ? `<NextMarker>${nextMarkerXml}</NextMarker>` : '<NextMarker />') +
    '</EnumerationResults>'
  );
}

/** The error `parse` throws. */
function errorOf(parse: () => unknown): Error {
  try {
    parse();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the document to be refused');
}

describe('parseBlobListPage', () => {
  it('reads each blob’s name and Content-Length, and the next marker', () => {
    // Prepare
    const xml = listing(
      [
        { nameXml: 'prod/events/v1/dt=2026-11-20/hour=14/a.ndjson.gz', size: 1000 },
        { nameXml: 'prod/events/v1/dt=2026-11-20/hour=15/b.ndjson.gz', size: 0 },
      ],
      '2!120!MDAwMDU0IXByb2QvZXZlbnRzL3YxL2R0PTIwMjYtMTEtMjAvaG91cj0xNi8hMDAwMDI4ITk5OTktMTItMzFUMjM6NTk6NTkuOTk5OTk5OVoh',
    );

    // Act
    const page = parseBlobListPage(xml);

    // Assess
    expect(page).toEqual({
      blobs: [
        { name: 'prod/events/v1/dt=2026-11-20/hour=14/a.ndjson.gz', size: 1000 },
        { name: 'prod/events/v1/dt=2026-11-20/hour=15/b.ndjson.gz', size: 0 },
      ],
      nextMarker: '2!120!MDAwMDU0IXByb2QvZXZlbnRzL3YxL2R0PTIwMjYtMTEtMjAvaG91cj0xNi8hMDAwMDI4ITk5OTktMTItMzFUMjM6NTk6NTkuOTk5OTk5OVoh',
    });
  });

  it('has no blobs and no next marker for an empty listing', () => {
    // Act
    const page = parseBlobListPage(listing([]));

    // Assess
    expect(page).toEqual({ blobs: [], nextMarker: null });
  });

  it('reads an answer whose <Blobs> and <NextMarker> are empty-element tags', () => {
    // Act
    const page = parseBlobListPage('<EnumerationResults ContainerName="kaudit"><Blobs/><NextMarker/></EnumerationResults>');

    // Assess
    expect(page).toEqual({ blobs: [], nextMarker: null });
  });

  it('decodes the predefined entities and character references in names and markers', () => {
    // Prepare
    const xml = listing([{ nameXml: 'q/&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#65;&#x42;&#x1F600;.gz', size: 5 }], 'm&amp;1');

    // Act
    const page = parseBlobListPage(xml);

    // Assess
    expect(page).toEqual({ blobs: [{ name: `q/<a> & "b" 'c' AB\u{1F600}.gz`, size: 5 }], nextMarker: 'm&1' });
  });

  it('decodes a name the service percent-encoded (Encoded="true")', () => {
    // Act
    const page = parseBlobListPage(listing([{ nameXml: 'q/bell%07.gz', size: 1, encoded: true }]));

    // Assess
    expect(page.blobs).toEqual([{ name: 'q/bell\u0007.gz', size: 1 }]);
  });

  it('reads a name given as CDATA, and skips comments, blob prefixes and elements it does not use', () => {
    // Prepare
    const xml =
      '<EnumerationResults><!-- page 1 --><Blobs><BlobPrefix><Name>prod/</Name></BlobPrefix>' +
      '<Blob><Name><![CDATA[q/<raw> & text.gz]]></Name><Snapshot /><Properties><Content-Length>7</Content-Length></Properties></Blob>' +
      '</Blobs><NextMarker></NextMarker></EnumerationResults>';

    // Act
    const page = parseBlobListPage(xml);

    // Assess
    expect(page).toEqual({ blobs: [{ name: 'q/<raw> & text.gz', size: 7 }], nextMarker: null });
  });

  it.each([
    ['a root other than <EnumerationResults>', '<Error><Code>AuthenticationFailed</Code></Error>', 'expected <EnumerationResults>, got <Error>'],
    ['a blob without <Name>', listing([{ nameXml: '', size: 1 }]), 'blob 1 of the page has no <Name>'],
    ['a Content-Length that is not digits', listing([{ nameXml: 'a', size: '-1' }]), 'blob 1 of the page has no <Properties><Content-Length> of digits'],
    ['an encoded name that does not decode', listing([{ nameXml: 'a%zz', size: 1, encoded: true }]), 'blob 1 of the page has an encoded <Name> that does not decode'],
  ])('refuses %s', (_, xml, message) => {
    // Act
    const error = errorOf(() => parseBlobListPage(xml));

    // Assess
    expect(error.message).toBe(message);
  });
});

describe('parseXml on hostile input', () => {
  it('refuses a document type declaration, so no entity is ever defined or expanded', () => {
    // Prepare: the "billion laughs", ten levels of ten references each.
    const definitions = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`).join('');
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${definitions}]><EnumerationResults>&lol9;</EnumerationResults>`;

    // Act
    const error = errorOf(() => parseXml(xml));

    // Assess
    expect(error).toBeInstanceOf(XmlError);
    expect(error.message).toBe('a document type declaration is not accepted at character 21');
  });

  it.each([
    ['an external entity reference', '<Name>&xxe;</Name>', 'entity reference other than the predefined ones'],
    ['an ampersand that starts no reference', '<Name>a & b</Name>', 'entity reference other than the predefined ones'],
    ['a character reference to NUL', '<Name>&#0;</Name>', 'character reference to a character XML does not allow'],
    ['a character reference past Unicode', '<Name>&#x110000;</Name>', 'character reference to a character XML does not allow'],
    ['a reference in an attribute to an undefined entity', '<Name Encoded="&xxe;">a</Name>', 'entity reference other than the predefined ones'],
  ])('refuses %s', (_, xml, problem) => {
    // Act
    const error = errorOf(() => parseXml(xml));

    // Assess
    expect(error.message).toContain(problem);
  });

  it('refuses nesting deeper than its limit, without recursing into it', () => {
    // Prepare
    const xml = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);

    // Act
    const error = errorOf(() => parseXml(xml));

    // Assess
    expect(error.message).toBe('elements nested deeper than 32 at character 96');
  });

  it('refuses a document longer than its limit before reading any of it', () => {
    // Prepare
    const xml = `<EnumerationResults>${'x'.repeat(2_000)}</EnumerationResults>`;

    // Act
    const error = errorOf(() => parseXml(xml, { maxChars: 1_000, maxDepth: 32 }));

    // Assess
    expect(error.message).toBe('document longer than 1000 characters at character 1000');
  });

  it.each([
    ['an end tag that does not match', '<a><b></a></b>', 'end tag that does not match the open element'],
    ['a document that ends inside an element', '<a><b>text', 'document ends inside an element'],
    ['two root elements', '<a/><b/>', 'more than one root element'],
    ['text outside the root element', 'text<a/>', 'text outside the root element'],
    ['an attribute given twice', '<a x="1" x="2"/>', 'attribute given twice'],
    ['an attribute value without quotes', '<a x=1/>', 'attribute value not in quotes'],
    ['an unterminated comment', '<a><!-- no end', 'unterminated comment'],
    ['no element at all', '<?xml version="1.0"?>', 'no root element'],
  ])('refuses %s', (_, xml, problem) => {
    // Act
    const error = errorOf(() => parseXml(xml));

    // Assess
    expect(error.message).toContain(problem);
  });

  it('says where a document is wrong without quoting it', () => {
    // Prepare
    const xml = '<Error><Message>sig=c2VjcmV0LXNpZ25hdHVyZQ &bogus;</Message></Error>';

    // Act
    const error = errorOf(() => parseXml(xml));

    // Assess
    expect(error.message).toBe('entity reference other than the predefined ones at character 43');
    expect(error.message).not.toContain('c2VjcmV0');
  });

  it('keeps an attribute named __proto__ as a plain name', () => {
    // Act
    const root = parseXml('<a __proto__="x" constructor="y"/>');

    // Assess
    expect([...root.attributes]).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });
});

describe('blobServiceErrorOf', () => {
  it('reads the code and message of the service’s error body', () => {
    // Prepare
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><Error><Code>ContainerNotFound</Code>' +
      '<Message>The specified container does not exist.\nRequestId:0f3c…\nTime:2026-11-20T14:00:00.0000000Z</Message></Error>';

    // Act
    const error = blobServiceErrorOf(xml);

    // Assess
    expect(error).toEqual({ code: 'ContainerNotFound', message: 'The specified container does not exist.\nRequestId:0f3c…\nTime:2026-11-20T14:00:00.0000000Z' });
  });

  it.each([
    ['an HTML page from a gateway', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['an empty body', ''],
    ['a body cut short', '<Error><Code>ServerBu'],
  ])('has neither code nor message for %s', (_, body) => {
    // Act
    const error = blobServiceErrorOf(body);

    // Assess
    expect(error).toEqual({ code: null, message: null });
  });
});
