/** Escaping for the XML and HTML reports (cli/reports/escape.ts), and the checker the report tests rely on. */
import { describe, expect, it } from "vitest";
import { escapeAttribute, escapeText, printable } from "../../../cli/reports/escape.ts";
import { findAll, parseXml, XmlError } from "./xml-check.ts";

describe("escapeText / escapeAttribute", () => {
  it("escapes the five XML specials", () => {
    expect(escapeText(`a & b < c > d "e" 'f'`)).toBe("a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;");
    expect(escapeAttribute(`<&>"'`)).toBe("&lt;&amp;&gt;&quot;&#39;");
  });

  it("escapes an ampersand only once, so existing entities are shown, not interpreted", () => {
    expect(escapeText("&amp; &lt;")).toBe("&amp;amp; &amp;lt;");
  });

  it("turns characters XML 1.0 forbids into visible \\uXXXX text", () => {
    expect(escapeText("a\u0000b\u0001c\u0008d\u000be\u000cf\u001bg\u001fh")).toBe(
      "a\\u0000b\\u0001c\\u0008d\\u000Be\\u000Cf\\u001Bg\\u001Fh",
    );
    expect(printable("\uFFFE\uFFFF")).toBe("\\uFFFE\\uFFFF");
    // An ANSI colour code from an assertion message.
    expect(escapeText("\u001b[31mred\u001b[39m")).toBe("\\u001B[31mred\\u001B[39m");
  });

  it("replaces lone surrogates but keeps surrogate pairs (emoji) intact", () => {
    expect(printable("x\uD800y")).toBe("x\\uD800y");
    expect(printable("x\uDC00y")).toBe("x\\uDC00y");
    expect(escapeText("ok 🎉")).toBe("ok 🎉");
  });

  it("keeps tab, newline and carriage return in text, and makes them references in attributes", () => {
    expect(escapeText("a\tb\nc\rd")).toBe("a\tb\nc\rd");
    expect(escapeAttribute("a\tb\nc\rd")).toBe("a&#9;b&#10;c&#13;d");
  });

  it("stringifies non-strings", () => {
    expect(escapeText(42)).toBe("42");
    expect(escapeText(undefined)).toBe("undefined");
  });

  it("round-trips through a strict XML parser: any string survives as text and as an attribute", () => {
    const nasty = `<script>alert("x")</script> & 'q' ]]> \t\n tail`;
    const root = parseXml(`<r a="${escapeAttribute(nasty)}">${escapeText(nasty)}</r>`);
    expect(root.attributes.a).toBe(nasty);
    expect(root.text).toBe(nasty);
    const controls = "bell\u0007 esc\u001b nul\u0000";
    expect(parseXml(`<r>${escapeText(controls)}</r>`).text).toBe("bell\\u0007 esc\\u001B nul\\u0000");
  });
});

describe("the test's XML checker rejects what is not well-formed", () => {
  const bad: Record<string, string> = {
    "a raw <": "<r>a < b</r>",
    "a bare &": "<r>a & b</r>",
    "an unknown entity": "<r>&nbsp;</r>",
    "a control character": "<r>\u001b</r>",
    "a reference to a forbidden character": "<r>&#27;</r>",
    "mismatched tags": "<a><b></a></b>",
    "an unclosed element": "<a><b></b>",
    "two roots": "<a/><b/>",
    "an unquoted attribute": "<a x=1/>",
    "a duplicate attribute": `<a x="1" x="2"/>`,
    "text outside the root": "<a/>tail",
    "]]> in text": "<a>]]></a>",
    "no root": `<?xml version="1.0"?>`,
  };
  for (const [what, xml] of Object.entries(bad)) {
    it(what, () => expect(() => parseXml(xml)).toThrow(XmlError));
  }

  it("accepts a declaration, comments, self-closing and nested elements, and decodes references", () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<a x="&#10;&amp;"><b/><b>&lt;&#x41;&#66;&apos;</b></a>\n`,
    );
    expect(root.attributes.x).toBe("\n&");
    expect(findAll(root, "b").map((b) => b.text)).toEqual(["", "<AB'"]);
  });
});
