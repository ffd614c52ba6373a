/** Escaping for everything the report builds from release data (model names, descriptions, labels, reasons). */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value: safe inside elements and quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** JSON for a `<script type="application/json">` block: no `<` can end the element or open a comment. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A library's source for an inline `<script>`: `</script` inside a string literal must not end the element. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const PNG_DATA_URI = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;

/** Only PNG data URIs we made ourselves may become an image source. */
export function safeImageSource(uri: string): string | undefined {
  return PNG_DATA_URI.test(uri) ? uri : undefined;
}
