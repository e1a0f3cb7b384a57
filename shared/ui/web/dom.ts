type Child = Node | string | null;

interface ElementProps {
  className?: string;
  /** Attributes set as given; text goes in as text, never as markup. */
  attrs?: Record<string, string>;
  onClick?: () => void;
}

/**
 * An element with text children: strings become text nodes, so whatever an audit event holds
 * (markup, script, quotes) is shown as characters and never parsed. Nothing here uses innerHTML.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  if (props.onClick) element.addEventListener('click', props.onClick);
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A value of an event as a cell shows it: lists and objects as compact JSON, null as nothing. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
