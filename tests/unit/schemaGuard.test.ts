import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { checkUpdateSchema, MissingDependency, OutsideSchema, storySchemaRules } from "../../newsroom/schemaGuard";
import { encodeStoryContent } from "../../newsroom/storyBlocks";

const MAX_TITLE = 200;

/** The server's document of a story, and a client's copy of it. */
function story(title = "湘江夜读") {
  const server = new Y.Doc({ gc: false });
  Y.applyUpdate(server, encodeStoryContent({ title, body: [{ type: "paragraph", text: "第一段" }] }));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** The update a client's edit produces. */
function editOf(client: Y.Doc, edit: () => void): Uint8Array {
  let update: Uint8Array | null = null;
  const listen = (u: Uint8Array) => {
    update = update ? Y.mergeUpdates([update, u]) : u;
  };
  client.on("update", listen);
  client.transact(edit);
  client.off("update", listen);
  if (!update) throw new Error("the edit changed nothing");
  return update;
}

const check = (server: Y.Doc, update: Uint8Array) => () => checkUpdateSchema(server, Y.decodeUpdate(update), { maxTitleLength: MAX_TITLE });

const bodyText = (client: Y.Doc) => (client.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;

describe("checkUpdateSchema", () => {
  it("takes its node and mark names from the editor's extension list", () => {
    const rules = storySchemaRules();
    expect([...rules.title.nodes.keys()]).toEqual(["paragraph"]);
    expect(rules.body.nodes.has("heading")).toBe(true);
    expect(rules.body.nodes.get("heading")?.has("level")).toBe(true);
    expect(rules.body.nodes.has("figure")).toBe(true);
    expect(rules.body.marks.has("bold")).toBe(true);
    expect(rules.body.marks.get("link")?.has("href")).toBe(true);
  });

  it("accepts typing, a heading, a figure, a bold mark and a link", () => {
    const { server, client } = story();
    const updates = [
      editOf(client, () => bodyText(client).insert(3, "，灯火通明")),
      editOf(client, () => {
        const heading = new Y.XmlElement("heading");
        heading.setAttribute("level", 2 as unknown as string);
        heading.insert(0, [new Y.XmlText("以“红”育廉")]);
        client.getXmlFragment("body").push([heading]);
      }),
      editOf(client, () => {
        const figure = new Y.XmlElement("figure");
        figure.setAttribute("src", "/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10");
        figure.setAttribute("width", 1200 as unknown as string);
        figure.setAttribute("height", 800 as unknown as string);
        figure.setAttribute("credit", "姚宇超");
        figure.setAttribute("alt", "");
        figure.insert(0, [new Y.XmlText("湖南雷锋纪念馆。")]);
        client.getXmlFragment("body").push([figure]);
      }),
      editOf(client, () => bodyText(client).format(0, 2, { bold: {} })),
      editOf(client, () => bodyText(client).format(2, 1, { italic: true })),
      editOf(client, () => bodyText(client).format(0, 1, { link: { href: "https://example.org", target: "_blank" } })),
      editOf(client, () => bodyText(client).delete(0, 1)),
    ];
    for (const update of updates) {
      expect(check(server, update)).not.toThrow();
      Y.applyUpdate(server, update);
    }
  });

  it("refuses a figure whose picture is not one of our uploads, or whose size or credit is not plausible", () => {
    const forged: [string, unknown][] = [
      ["src", "https://tracker.example/pixel.gif"],
      ["src", "javascript:alert(1)"],
      ["src", "/media/../api/articles"],
      ["src", "//evil.example/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10"],
      ["width", -1],
      ["height", "800px"],
      ["credit", "长".repeat(1000)],
    ];
    for (const [attribute, value] of forged) {
      const { server, client } = story();
      const update = editOf(client, () => {
        const figure = new Y.XmlElement("figure");
        figure.setAttribute(attribute, value as string);
        client.getXmlFragment("body").push([figure]);
      });
      expect(check(server, update), `${attribute}=${String(value).slice(0, 40)}`).toThrow(OutsideSchema);
    }
    // Changing the picture of a figure already in the story is checked the same way.
    const { server, client } = story();
    const create = editOf(client, () => client.getXmlFragment("body").push([new Y.XmlElement("figure")]));
    Y.applyUpdate(server, create);
    const repoint = editOf(client, () => (client.getXmlFragment("body").get(1) as Y.XmlElement).setAttribute("src", "https://evil.example/x.png"));
    expect(check(server, repoint)).toThrow(OutsideSchema);
  });

  it("refuses a script element in the body", () => {
    const { server, client } = story();
    const update = editOf(client, () => client.getXmlFragment("body").push([new Y.XmlElement("script")]));
    expect(check(server, update)).toThrow(OutsideSchema);
  });

  it("refuses a heading inside the title (the title is one paragraph)", () => {
    const { server, client } = story();
    const update = editOf(client, () => client.getXmlFragment("title").push([new Y.XmlElement("heading")]));
    expect(check(server, update)).toThrow(/not in the title schema/);
  });

  it("refuses a script element nested inside a new paragraph", () => {
    const { server, client } = story();
    const update = editOf(client, () => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlElement("script")]);
      client.getXmlFragment("body").push([paragraph]);
    });
    expect(check(server, update)).toThrow(/node "script"/);
  });

  it("refuses an attribute the node does not have", () => {
    const { server, client } = story();
    const update = editOf(client, () => (client.getXmlFragment("body").get(0) as Y.XmlElement).setAttribute("onclick", "alert(1)"));
    expect(check(server, update)).toThrow(/attribute "onclick"/);
  });

  it("refuses a mark the schema does not have, and an unknown mark attribute", () => {
    const { server, client } = story();
    expect(check(server, editOf(client, () => bodyText(client).format(0, 1, { blink: {} })))).toThrow(/mark "blink"/);
    const { server: server2, client: client2 } = story();
    expect(check(server2, editOf(client2, () => bodyText(client2).format(0, 1, { bold: { style: "x" } })))).toThrow(/attribute "style"/);
  });

  it("reads mark keys as y-tiptap does: only the name or `name--` and an 8-character hash", () => {
    const marked = (key: string) => {
      const { server, client } = story();
      return check(server, editOf(client, () => bodyText(client).format(0, 1, { [key]: {} })));
    };
    expect(marked("bold")).not.toThrow();
    expect(marked("bold--AbC+/=12")).not.toThrow();
    // The editor would not know these marks: it would fail to build the paragraph and drop its text.
    for (const key of ["bold--x", "bold--AbC+/=123", "bold--abcdefgh--x", "suggestInsert--x"]) expect(marked(key), key).toThrow(/is not in the schema/);
  });

  it("refuses any root type other than title and body", () => {
    const { server, client } = story();
    expect(check(server, editOf(client, () => client.getMap("extra").set("k", "v")))).toThrow(/root type "extra"/);
    expect(check(server, editOf(client, () => client.getText("notes").insert(0, "x")))).toThrow(/root type "notes"/);
  });

  it("refuses a title longer than the limit, but not a replacement that stays under it", () => {
    const { server, client } = story("短标题");
    const titleText = () => (client.getXmlFragment("title").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect(check(server, editOf(client, () => titleText().insert(3, "长".repeat(MAX_TITLE))))).toThrow(/title longer than 200/);

    const { server: s2, client: c2 } = story("题".repeat(MAX_TITLE - 2));
    const title2 = () => (c2.getXmlFragment("title").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const replace = editOf(c2, () => {
      title2().delete(0, 100);
      title2().insert(0, "新".repeat(100));
    });
    expect(check(s2, replace)).not.toThrow();
  });

  it("cannot judge content that builds on items the server does not have (yet)", () => {
    const { server, client } = story();
    const ahead = new Y.Doc();
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(client));
    const first = editOf(ahead, () => bodyText(ahead).insert(0, "甲"));
    Y.applyUpdate(client, first);
    const second = editOf(client, () => bodyText(client).insert(1, "乙"));
    // The server never got `first`: `second` sits beside an item it cannot find.
    expect(check(server, second)).toThrow(MissingDependency);
    // Once what it builds on has arrived, it is judged like any other update.
    Y.applyUpdate(server, first);
    expect(check(server, second)).not.toThrow();
  });
});

describe("checkUpdateSchema on a long paste", () => {
  it("locates a chain of 50 000 neighbours in one pass", () => {
    const { server, client } = story();
    // Typed backwards in one transaction: 50 000 items, each placed before the one typed last.
    const text = bodyText(client);
    const update = editOf(client, () => {
      for (let i = 0; i < 50_000; i++) text.insert(0, "字");
    });
    expect(Y.decodeUpdate(update).structs.length).toBeGreaterThanOrEqual(50_000);
    expect(check(server, update)).not.toThrow();
  });
});

describe("checkUpdateSchema on nesting", () => {
  const element = (name: string, children: (Y.XmlElement | Y.XmlText)[] = [], attrs: Record<string, unknown> = {}) => {
    const node = new Y.XmlElement(name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value as string);
    node.insert(0, children);
    return node;
  };
  const pushBody = (client: Y.Doc, nodes: () => (Y.XmlElement | Y.XmlText)[]) => editOf(client, () => client.getXmlFragment("body").push(nodes()));

  it("reads what may sit inside what from each node's content expression", () => {
    const { body, title } = storySchemaRules();
    expect(body.children.get("paragraph")).toEqual({ nodes: new Set(["hardBreak"]), text: true });
    expect(body.children.get("bulletList")?.nodes).toEqual(new Set(["listItem"]));
    expect(body.children.get("")?.text).toBe(false);
    expect(title.children.get("")).toEqual({ nodes: new Set(["paragraph"]), text: false });
  });

  it("refuses a paragraph inside a paragraph, also inside one already in the story", () => {
    const { server, client } = story();
    expect(check(server, pushBody(client, () => [element("paragraph", [element("paragraph", [new Y.XmlText("里")])])]))).toThrow(
      /"paragraph" may not sit inside "paragraph"/,
    );
    const { server: s2, client: c2 } = story();
    const existing = c2.getXmlFragment("body").get(0) as Y.XmlElement;
    const nested = editOf(c2, () => existing.push([element("paragraph", [new Y.XmlText("里")])]));
    expect(check(s2, nested)).toThrow(OutsideSchema);
  });

  it("refuses text straight under body or title, and a heading or figure inside a paragraph", () => {
    const { server, client } = story();
    expect(check(server, pushBody(client, () => [new Y.XmlText("散字")]))).toThrow(/"body" may not hold text directly/);
    const { server: s2, client: c2 } = story();
    expect(check(s2, editOf(c2, () => c2.getXmlFragment("title").push([new Y.XmlText("散字")])))).toThrow(/"title" may not hold text/);
    for (const inner of ["heading", "figure", "blockquote", "listItem"]) {
      const { server: s, client: c } = story();
      expect(check(s, pushBody(c, () => [element("paragraph", [element(inner)])])), inner).toThrow(/may not sit inside "paragraph"/);
    }
  });

  it("refuses a second element kind in the title's paragraph and a list item outside a list", () => {
    const { server, client } = story();
    const titleParagraph = client.getXmlFragment("title").get(0) as Y.XmlElement;
    expect(check(server, editOf(client, () => titleParagraph.push([element("hardBreak")])))).toThrow(OutsideSchema);
    const { server: s2, client: c2 } = story();
    expect(check(s2, pushBody(c2, () => [element("listItem", [element("paragraph")])]))).toThrow(/"listItem" may not sit inside "body"/);
  });

  it("accepts lists, quotes, a hard break and a figure as the editor writes them", () => {
    const { server, client } = story();
    const update = pushBody(client, () => [
      element("bulletList", [element("listItem", [element("paragraph", [new Y.XmlText("一")]), element("orderedList", [element("listItem", [element("paragraph")])])])]),
      element("blockquote", [element("paragraph", [new Y.XmlText("引"), element("hardBreak"), new Y.XmlText("文")]), element("blockquote", [element("heading", [], { level: 2 })])]),
      element("figure", [new Y.XmlText("图片说明")], { src: "/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10" }),
    ]);
    expect(check(server, update)).not.toThrow();
  });
});

describe("content a garbage-collecting client deleted before the server saw it", () => {
  it("lets through an edit beside collected text: Yjs drops it, it cannot break the schema", () => {
    // A (a stock client: gc on) writes a paragraph and deletes it while offline; B saw the text.
    const a = new Y.Doc();
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    a.getXmlFragment("body").insert(0, [paragraph]);
    text.insert(0, "abc");
    const b = new Y.Doc({ gc: false });
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    a.getXmlFragment("body").delete(0, 1);
    // The server only ever hears A's collected state; B then types after "c".
    const server = new Y.Doc({ gc: false });
    Y.applyUpdate(server, Y.encodeStateAsUpdate(a));
    const before = Y.encodeStateVector(b);
    ((b.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(3, "d");
    const typed = Y.encodeStateAsUpdate(b, before);
    expect(check(server, typed)).not.toThrow();
    Y.applyUpdate(server, typed);
    expect(server.getXmlFragment("body").length).toBe(0);
  });
});
