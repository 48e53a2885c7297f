/**
 * Escaping for the XML and HTML reports. One function for both: text and attribute values get the five
 * predefined entities, and characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, U+FFFE,
 * U+FFFF, lone surrogates) become visible text such as `\u001B`, so an error message with ANSI colour codes still
 * produces a well-formed file that says what was there.
 */

/** Characters XML 1.0 forbids even as character references, plus lone surrogates. */
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Replaces characters no XML 1.0 document may contain with a visible `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}

/** Escapes text for XML or HTML element content. */
export function escapeText(value: unknown): string {
  return printable(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Escapes an attribute value (always written in double quotes). Tab, LF and CR become character references,
 * because a parser would otherwise normalise them to spaces.
 */
export function escapeAttribute(value: unknown): string {
  return escapeText(value).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}
