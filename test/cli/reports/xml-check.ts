/**
 * A minimal, strict XML 1.0 well-formedness checker for the report tests (no dependency): one root element,
 * matching tags, unique and quoted attributes, no raw `<` or stray `&`, only the predefined entities and character
 * references, no characters XML forbids, no `]]>` in text. No DTDs (the reports never have one). Returns the
 * element tree with entities decoded, so tests can count <failure> and <skipped> elements.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its descendants'), entities decoded. */
  text: string;
}

export class XmlError extends Error {}

const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (raw.includes("<")) throw new XmlError(`raw "<" in text or attribute near offset ${where}`);
  return raw.replace(/&([^;&\s]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(";"))
      throw new XmlError(`"&" not starting a reference near offset ${where}: ${JSON.stringify(whole)}`);
    if (body in PREDEFINED) return PREDEFINED[body];
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (!numeric) throw new XmlError(`unknown entity &${body}; near offset ${where}`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : "\u0000";
    if (FORBIDDEN.test(char) || code === 0)
      throw new XmlError(`character reference &${body}; names a character XML forbids`);
    return char;
  });
}

export function parseXml(source: string): XmlElement {
  const bad = FORBIDDEN.exec(source);
  if (bad)
    throw new XmlError(
      `forbidden character U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0")} at offset ${bad.index}`,
    );
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const fail = (message: string): never => {
    throw new XmlError(`${message} at offset ${i}: ${JSON.stringify(source.slice(i, i + 40))}`);
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const match = NAME.exec(source);
    if (!match) fail("expected a name");
    i += match![0].length;
    return match![0];
  };
  const skipSpace = () => {
    while (i < source.length && /[ \t\r\n]/.test(source[i])) i++;
  };

  if (source.startsWith("<?xml")) {
    const end = source.indexOf("?>");
    if (end < 0) fail("unterminated XML declaration");
    i = end + 2;
  }
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const textEnd = lt < 0 ? source.length : lt;
    const raw = source.slice(i, textEnd);
    if (raw.includes("]]>")) fail('"]]>" in text');
    if (stack.length === 0) {
      if (raw.trim() !== "") fail("text outside the root element");
    } else {
      stack[stack.length - 1].text += decode(raw, i);
    }
    i = textEnd;
    if (i >= source.length) break;
    if (source.startsWith("<!--", i)) {
      const end = source.indexOf("-->", i + 4);
      if (end < 0) fail("unterminated comment");
      if (source.slice(i + 4, end).includes("--")) fail('"--" inside a comment');
      i = end + 3;
    } else if (source.startsWith("<![CDATA[", i)) {
      if (stack.length === 0) fail("CDATA outside the root element");
      const end = source.indexOf("]]>", i);
      if (end < 0) fail("unterminated CDATA section");
      stack[stack.length - 1].text += source.slice(i + 9, end);
      i = end + 3;
    } else if (source.startsWith("<?", i)) {
      const end = source.indexOf("?>", i);
      if (end < 0) fail("unterminated processing instruction");
      i = end + 2;
    } else if (source.startsWith("<!", i)) {
      fail("DTDs and other declarations are not expected in a report");
    } else if (source.startsWith("</", i)) {
      i += 2;
      const closing = name();
      skipSpace();
      if (source[i] !== ">") fail("expected > after the end tag's name");
      i++;
      const open = stack.pop();
      if (!open) fail(`end tag </${closing}> without a start tag`);
      if (open!.name !== closing) fail(`end tag </${closing}> does not match <${open!.name}>`);
    } else {
      i++;
      const element: XmlElement = { name: name(), attributes: {}, children: [], text: "" };
      for (;;) {
        const before = i;
        skipSpace();
        if (source.startsWith("/>", i) || source[i] === ">") break;
        if (i === before) fail("expected whitespace before an attribute");
        const attribute = name();
        skipSpace();
        if (source[i] !== "=") fail(`expected = after attribute ${attribute}`);
        i++;
        skipSpace();
        const quote = source[i];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attribute} is not quoted`);
        const end = source.indexOf(quote, i + 1);
        if (end < 0) fail(`unterminated value of attribute ${attribute}`);
        if (attribute in element.attributes) fail(`duplicate attribute ${attribute}`);
        element.attributes[attribute] = decode(source.slice(i + 1, end), i);
        i = end + 1;
      }
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root) fail("a second root element");
      else root = element;
      if (source.startsWith("/>", i)) {
        i += 2;
      } else {
        i++;
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new XmlError("no root element");
  return root;
}

/** Every element named `name` in the tree, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found = element.name === name ? [element] : [];
  for (const child of element.children) found.push(...findAll(child, name));
  return found;
}
