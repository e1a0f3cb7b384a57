/**
 * Reads Bicep the way CI can: the Bicep compiler is not installable there, so templates are parsed
 * with tree-sitter-bicep (WASM, through web-tree-sitter) and their structure is inspected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language, type Node, Parser } from 'web-tree-sitter';
import { REPO_ROOT } from '../../../infra/packaging/function-entries.ts';

export const AZURE_INFRA = join(REPO_ROOT, 'infra/azure');

let parser: Promise<Parser> | undefined;

function bicepParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const grammar = createRequire(import.meta.url).resolve('tree-sitter-bicep/tree-sitter-bicep.wasm');
    const instance = new Parser();
    instance.setLanguage(await Language.load(grammar));
    return instance;
  })();
  return parser;
}

/** The syntax tree's root of a Bicep source text. */
export async function parseBicep(source: string): Promise<Node> {
  const tree = (await bicepParser()).parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree.rootNode;
}

export async function parseBicepFile(name: string): Promise<Node> {
  return parseBicep(readFileSync(join(AZURE_INFRA, name), 'utf8'));
}

/** Every `.bicep` file under a directory, recursively. */
export function bicepFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((item) => {
    const path = join(directory, item.name);
    if (item.isDirectory()) return bicepFilesUnder(path);
    return item.name.endsWith('.bicep') ? [path] : [];
  });
}

/** `line:column: ERROR|MISSING <text>` for every node tree-sitter could not parse. */
export function syntaxErrors(root: Node): string[] {
  const errors: string[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      const position = `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      errors.push(`${position}: ${node.isMissing ? `MISSING ${node.type}` : 'ERROR'} ${node.text.slice(0, 60)}`);
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
  return errors;
}

/** The unquoted value of a string literal node. */
export function stringValue(node: Node | null | undefined): string | undefined {
  return node?.type === 'string' ? node.text.slice(1, -1) : undefined;
}

function declarations(root: Node, type: string): Node[] {
  return root.namedChildren.filter((child) => child.type === type);
}

function nameOf(declaration: Node): string {
  return declaration.namedChildren[0]?.text ?? '';
}

/** The body object of a resource or module, whether plain, conditional (`if`) or looped (`for`). */
function bodyOf(declaration: Node): Node | undefined {
  for (const child of declaration.namedChildren) {
    if (child.type === 'object') return child;
    if (child.type === 'for_statement') return child.childForFieldName('body') ?? undefined;
    if (child.type === 'if_statement') return child.namedChildren.find((part) => part.type === 'object');
  }
  return undefined;
}

export interface BicepResource {
  symbol: string;
  /** `Type@apiVersion` as written. */
  type: string;
  existing: boolean;
  body: Node | undefined;
}

export function resources(root: Node): BicepResource[] {
  return declarations(root, 'resource_declaration').map((declaration) => ({
    symbol: nameOf(declaration),
    type: stringValue(declaration.namedChildren[1]) ?? '',
    existing: declaration.children.some((child) => child.type === 'existing'),
    body: bodyOf(declaration),
  }));
}

export function resource(root: Node, symbol: string): BicepResource {
  const found = resources(root).find((candidate) => candidate.symbol === symbol);
  if (!found) throw new Error(`no resource ${symbol}`);
  return found;
}

export interface BicepModule {
  symbol: string;
  path: string;
  body: Node | undefined;
}

export function modules(root: Node): BicepModule[] {
  return declarations(root, 'module_declaration').map((declaration) => ({
    symbol: nameOf(declaration),
    path: stringValue(declaration.namedChildren[1]) ?? '',
    body: bodyOf(declaration),
  }));
}

export interface BicepParameter {
  name: string;
  /** The default value's source text, if any. */
  defaultValue: string | undefined;
  /** The values of an `@allowed([...])` decorator, if any. */
  allowed: string[] | undefined;
}

export function parameters(root: Node): BicepParameter[] {
  return declarations(root, 'parameter_declaration').map((declaration) => {
    const [, , value] = declaration.namedChildren;
    const decorators = decoratorsOf(declaration);
    const allowedCall = decorators?.descendantsOfType('call_expression').find((call) => call.childForFieldName('function')?.text === 'allowed');
    const allowed = allowedCall?.descendantsOfType('array')[0]?.namedChildren.map((item) => stringValue(item) ?? item.text);
    return { name: nameOf(declaration), defaultValue: value?.text, allowed };
  });
}

export function parameter(root: Node, name: string): BicepParameter {
  const found = parameters(root).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

/** The value expression of an `output` declaration. */
export function outputValue(root: Node, name: string): Node {
  const declaration = declarations(root, 'output_declaration').find((candidate) => nameOf(candidate) === name);
  const value = declaration?.namedChildren[2];
  if (!value) throw new Error(`no output ${name}`);
  return value;
}

/** The value expression of a `var` declaration. */
export function variableValue(root: Node, name: string): Node {
  const value = declarations(root, 'variable_declaration').find((candidate) => nameOf(candidate) === name)?.namedChildren[1];
  if (!value) throw new Error(`no variable ${name}`);
  return value;
}

/** The `@...` decorators written above a declaration (comments in between are allowed). */
function decoratorsOf(declaration: Node): Node | undefined {
  let previous = declaration.previousNamedSibling;
  while (previous?.type === 'comment') previous = previous.previousNamedSibling;
  return previous?.type === 'decorators' ? previous : undefined;
}

/** The value node of `key:` directly inside an object node. */
export function property(object: Node | undefined, key: string): Node | undefined {
  const match = object?.namedChildren.find((child) => child.type === 'object_property' && propertyKey(child) === key);
  return match?.namedChildren[1];
}

/** The value node at a dotted path of nested objects (`properties.functionAppConfig.runtime`). */
export function propertyAt(object: Node | undefined, path: string): Node | undefined {
  return path.split('.').reduce<Node | undefined>((node, key) => property(node, key), object);
}

/** The keys written directly in an object node, in source order. */
export function ownPropertyKeys(object: Node | undefined): string[] {
  return object?.namedChildren.filter((child) => child.type === 'object_property').map(propertyKey) ?? [];
}

/** Every property key in a subtree, nested objects included, in source order. */
export function propertyKeys(node: Node | undefined): string[] {
  return node?.descendantsOfType('object_property').map(propertyKey) ?? [];
}

function propertyKey(objectProperty: Node): string {
  const key = objectProperty.namedChildren[0];
  return stringValue(key) ?? key?.text ?? '';
}
