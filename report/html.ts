/** Small HTML building blocks: plain strings are always escaped; only `Html` values pass through as markup. */
import { escapeHtml } from './escape';

/** Markup the builder made itself (never user data unescaped). */
export class Html {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type Content = string | number | Html | undefined;

export const raw = (markup: string) => new Html(markup);

/** Escapes text; passes markup. */
export function render(content: Content): string {
  if (content === undefined) return '';
  return content instanceof Html ? content.html : escapeHtml(content);
}

/** An element with escaped attribute values and escaped-or-markup children. */
export function el(tag: string, attrs: Record<string, string | number | undefined>, ...children: Content[]): Html {
  const attributes = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
  return raw(`<${tag}${attributes}>${children.map(render).join('')}</${tag}>`);
}

export const join = (parts: Content[]): Html => raw(parts.map(render).join(''));

export function table(headers: string[], rows: Content[][], attrs: Record<string, string | undefined> = {}): Html {
  return el(
    'table',
    attrs,
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => (c instanceof Html && c.html.startsWith('<td') ? c : el('td', {}, c)))))),
  );
}

export const section = (id: string, title: string, ...children: Content[]) => el('section', { id }, el('h2', {}, title), ...children);

/** A canvas a chart is drawn into (the chart's data lives in the page's JSON block). */
export const chartBox = (id: string, title: string) => el('figure', { class: 'chart' }, el('figcaption', {}, title), el('div', { class: 'chart-area' }, el('canvas', { id, 'data-chart': id })));

export const bytes = (n: number | undefined) => (n === undefined ? '-' : n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
export const percent = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(2)}%`);
export const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `${x.toFixed(3)} ms`);
