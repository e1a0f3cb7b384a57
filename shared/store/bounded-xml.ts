/**
 * A small XML parser for the answers of the Blob service (listings, error bodies), which kaudit
 * treats as untrusted: the text and the nesting are bounded, a document type declaration is
 * refused (so no entity is ever defined, let alone expanded), and only the five predefined
 * entities and character references are decoded. Namespaces, and the rest of what the service
 * never sends, are not interpreted. Errors say what is wrong and where, never quoting the text.
 */

export interface XmlElement {
  name: string;
  /** A map, not an object: an attribute named `__proto__` is just a name. */
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The character data directly inside the element, entities decoded, CDATA included. */
  text: string;
}

export interface XmlLimits {
  /** Longest document, in UTF-16 code units. */
  maxChars: number;
  /** Deepest nesting of elements, the root counting as 1. */
  maxDepth: number;
}

/** A listing page of 5,000 blobs with all their properties is a few MB; its nesting is 4 deep. */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 16 * 1024 * 1024, maxDepth: 32 };

export class XmlError extends Error {
  constructor(problem: string, offset: number) {
    super(`${problem} at character ${offset}`);
    this.name = 'XmlError';
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_.:]*/y;
const SPACE = /[ \t\r\n]*/y;
const ATTRIBUTE_VALUE = /"([^"<]*)"|'([^'<]*)'/y;
const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

interface OpenElement {
  element: XmlElement;
  texts: string[];
}

/** The root element of `text`, a well-formed document within `limits`; throws an XmlError otherwise. */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (text.length > limits.maxChars) throw new XmlError(`document longer than ${limits.maxChars} characters`, limits.maxChars);
  const stack: OpenElement[] = [];
  let root: XmlElement | null = null;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const skipPast = (terminator: string, what: string): void => {
    const end = text.indexOf(terminator, at);
    if (end < 0) throw new XmlError(`unterminated ${what}`, at);
    at = end + terminator.length;
  };

  while (at < text.length) {
    const lt = text.indexOf('<', at);
    const chunk = text.slice(at, lt < 0 ? text.length : lt);
    if (chunk !== '') {
      const top = stack.at(-1);
      if (top) top.texts.push(decodeEntities(chunk, at));
      else if (/[^ \t\r\n]/.test(chunk)) throw new XmlError('text outside the root element', at);
      at += chunk.length;
      continue;
    }

    if (text.startsWith('<?', at)) skipPast('?>', 'processing instruction');
    else if (text.startsWith('<!--', at)) skipPast('-->', 'comment');
    else if (text.startsWith('<![CDATA[', at)) {
      const start = at + '<![CDATA['.length;
      const end = text.indexOf(']]>', start);
      if (end < 0) throw new XmlError('unterminated CDATA section', at);
      const top = stack.at(-1);
      if (!top) throw new XmlError('CDATA outside the root element', at);
      top.texts.push(text.slice(start, end));
      at = end + ']]>'.length;
    } else if (text.startsWith('<!', at)) {
      // DOCTYPE and what only a DTD can hold (ENTITY, ELEMENT, ATTLIST): where entity expansion starts.
      throw new XmlError('a document type declaration is not accepted', at);
    } else if (text.startsWith('</', at)) {
      const closing = at;
      at += 2;
      const name = readName(text, at);
      at += name.length;
      at = skipSpace(text, at);
      if (text[at] !== '>') throw new XmlError('malformed end tag', closing);
      at++;
      const open = stack.pop();
      if (!open || open.element.name !== name) throw new XmlError('end tag that does not match the open element', closing);
      close(open);
    } else {
      const opening = at;
      at++;
      const name = readName(text, at);
      at += name.length;
      const attributes = new Map<string, string>();
      for (;;) {
        const afterSpace = skipSpace(text, at);
        if (text.startsWith('/>', afterSpace) || text[afterSpace] === '>') {
          at = afterSpace;
          break;
        }
        if (afterSpace === at) throw new XmlError('malformed start tag', opening);
        at = afterSpace;
        const attribute = readName(text, at);
        at = skipSpace(text, at + attribute.length);
        if (text[at] !== '=') throw new XmlError('attribute without a value', at);
        at = skipSpace(text, at + 1);
        ATTRIBUTE_VALUE.lastIndex = at;
        const value = ATTRIBUTE_VALUE.exec(text);
        if (!value) throw new XmlError('attribute value not in quotes', at);
        if (attributes.has(attribute)) throw new XmlError('attribute given twice', at);
        attributes.set(attribute, decodeEntities(value[1] ?? value[2] ?? '', at + 1));
        at += value[0].length;
      }
      if (stack.length === 0 && root !== null) throw new XmlError('more than one root element', opening);
      if (stack.length + 1 > limits.maxDepth) throw new XmlError(`elements nested deeper than ${limits.maxDepth}`, opening);
      const element: XmlElement = { name, attributes, children: [], text: '' };
      stack.at(-1)?.element.children.push(element);
      if (stack.length === 0) root = element;
      const open: OpenElement = { element, texts: [] };
      if (text.startsWith('/>', at)) {
        at += 2;
        close(open);
      } else {
        at++;
        stack.push(open);
      }
    }
  }
  if (stack.length > 0) throw new XmlError('document ends inside an element', text.length);
  if (root === null) throw new XmlError('no root element', text.length);
  return root;
}

/** The first child element named `name`, if any. */
export function childOf(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

function close(open: OpenElement): void {
  open.element.text = open.texts.join('');
}

function readName(text: string, at: number): string {
  NAME.lastIndex = at;
  const name = NAME.exec(text)?.[0];
  if (!name) throw new XmlError('expected a name', at);
  return name;
}

function skipSpace(text: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.exec(text);
  return SPACE.lastIndex;
}

/** `&lt;` and the other four, `&#65;` and `&#x41;`; any other `&` is an error, as in XML. */
function decodeEntities(raw: string, offset: number): string {
  if (!raw.includes('&')) return raw;
  let decoded = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    const semicolon = raw.indexOf(';', amp);
    const reference = semicolon < 0 ? '' : raw.slice(amp + 1, semicolon);
    decoded += raw.slice(from, amp) + referenceText(reference, offset + amp);
    from = semicolon + 1;
  }
  return decoded + raw.slice(from);
}

function referenceText(reference: string, offset: number): string {
  const predefined = PREDEFINED.get(reference);
  if (predefined !== undefined) return predefined;
  const numeric = /^#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}))$/.exec(reference);
  const code = numeric ? (numeric[1] !== undefined ? Number.parseInt(numeric[1], 10) : Number.parseInt(numeric[2] as string, 16)) : NaN;
  if (!isXmlChar(code)) throw new XmlError(numeric ? 'character reference to a character XML does not allow' : 'entity reference other than the predefined ones', offset);
  return String.fromCodePoint(code);
}

/** XML 1.0's Char production. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}
