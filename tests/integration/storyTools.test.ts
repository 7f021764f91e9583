import fs from "node:fs";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { backends } from "../support/backends";
import { connectClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, createArticle, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";
import { importedBlocksToStory, parsePlainTextStory } from "../../newsroom/plainTextImport";

interface ApiError {
  error: { code: string; message: string };
}
interface Uploaded {
  id: string;
  url: string;
  width: number;
  height: number;
}
interface Stats {
  hanzi: number;
  characters: number;
  paragraphs: number;
  images: number;
}

/** Uploads per hour for this file's server: low, so one test can reach it. */
const UPLOADS_PER_HOUR = 4;
/** Longest import for this file's server: the sample fits, a longer text does not. */
const IMPORT_MAX_CHARACTERS = 5000;
/** Photo limits for this file's server: small, so a test reaches them with small images. */
const MAX_PIXELS = 1_000_000;
const MAX_DIMENSION = 1000;
const SAMPLE = path.resolve(import.meta.dirname, "../../../shared/fixtures/sample-article.zh.txt");
const sampleText = fs.existsSync(SAMPLE) ? fs.readFileSync(SAMPLE, "utf8") : null;
if (!sampleText) console.log(`[skip] ${SAMPLE} not found: the import test needs ../shared/ beside the project`);
const itWithSample = sampleText || process.env.CI_REQUIRE_ALL === "1" ? it : it.skip;
/** A marker written into the photo's EXIF; it must not survive the upload. */
const EXIF_MARKER = "SECRET-EXIF-MARKER-39.9042N";

/** A JPEG carrying EXIF (artist, copyright: where a camera or phone puts its GPS position too). */
async function jpegWithExif(width = 320, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withExif({ IFD0: { Artist: EXIF_MARKER, Copyright: EXIF_MARKER } })
    .toBuffer();
}

/** The text inside one block of the live document (no marks in imported text). */
const textOf = (block: Y.XmlElement) => block.toArray().map((child) => child.toString()).join("");

async function upload(
  baseUrl: string,
  cookie: string | null,
  bytes: Uint8Array,
  { name = "photo.jpg", type = "image/jpeg" } = {},
): Promise<{ status: number; body: Uploaded & ApiError }> {
  const form = new FormData();
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
  const response = await fetch(`${baseUrl}/api/media`, { method: "POST", headers: cookie ? { cookie } : {}, body: form });
  return { status: response.status, body: (await response.json()) as Uploaded & ApiError };
}

describe.each(backends())("photos, statistics, import and export (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  const cookies: Record<string, string> = {};
  const as = (user: string) => cookies[user];

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store, {
      MEDIA_UPLOADS_PER_HOUR: String(UPLOADS_PER_HOUR),
      IMPORT_MAX_CHARACTERS: String(IMPORT_MAX_CHARACTERS),
      MEDIA_MAX_PIXELS: String(MAX_PIXELS),
      MEDIA_MAX_DIMENSION: String(MAX_DIMENSION),
    });
    for (const user of ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"]) cookies[user] = await signIn(server.url, user);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("stores an uploaded photo re-encoded without its metadata and serves it to any reader with long cache headers", async () => {
    const original = await jpegWithExif();
    expect(original.includes(EXIF_MARKER)).toBe(true);
    const { status, body } = await upload(server.url, as("yaoyuchao"), original, { name: "IMG_0001.JPG" });
    expect(status).toBe(201);
    expect(body).toMatchObject({ width: 320, height: 200 });
    expect(body.url).toBe(`/media/${body.id}`);

    for (const cookie of [as("huhongye"), null]) {
      const served = await fetch(`${server.url}${body.url}`, { headers: cookie ? { cookie } : {} });
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toBe("image/jpeg");
      expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(served.headers.get("x-content-type-options")).toBe("nosniff");
      const bytes = Buffer.from(await served.arrayBuffer());
      expect(bytes.includes(EXIF_MARKER)).toBe(false);
      const metadata = await sharp(bytes).metadata();
      expect(metadata).toMatchObject({ format: "jpeg", width: 320, height: 200 });
      expect(metadata.exif).toBeUndefined();
    }
    expect((await fetch(`${server.url}/media/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/media/not-a-uuid`)).status).toBe(404);
  });

  it("refuses a 20 MB upload (413), a text file named .jpg, a broken JPEG and an oversized canvas (415), an upload without a session (401); scales a wide photo down", async () => {
    const hugeBody = new Uint8Array(20 * 1024 * 1024);
    hugeBody.set([0xff, 0xd8, 0xff, 0xe0]);
    const tooBig = await upload(server.url, as("xuweixiang"), hugeBody);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("payload_too_large");

    const text = await upload(server.url, as("xuweixiang"), new TextEncoder().encode("这不是图片,只是文字。"), { name: "photo.jpg" });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("unsupported_media_type");
    expect(text.body.error.message).toMatch(/JPEG/);

    const broken = await upload(server.url, as("xuweixiang"), Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
    expect(broken.status).toBe(415);

    const anonymous = await upload(server.url, null, await jpegWithExif(10, 10));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("not_signed_in");

    const foreign = await fetch(`${server.url}/api/media`, { method: "POST", headers: { cookie: as("xuweixiang"), origin: "https://evil.example" }, body: new FormData() });
    expect(foreign.status).toBe(403);
    const noFile = await fetch(`${server.url}/api/media`, { method: "POST", headers: { cookie: as("xuweixiang") }, body: new FormData() });
    expect(noFile.status).toBe(400);

    // A canvas past MEDIA_MAX_PIXELS is refused before it is decoded; a long side past
    // MEDIA_MAX_DIMENSION is scaled down to fit.
    const huge = await upload(server.url, as("xuweixiang"), await jpegWithExif(1100, 1000));
    expect(huge.status).toBe(415);
    const wide = await upload(server.url, as("xuweixiang"), await jpegWithExif(1200, 100));
    expect(wide.status).toBe(201);
    expect(wide.body).toMatchObject({ width: MAX_DIMENSION, height: Math.round((100 * MAX_DIMENSION) / 1200) });
  });

  it("takes PNG, WebP and GIF by their bytes whatever the name, and stops an account at its hourly allowance (429)", async () => {
    const base = sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 1 } } });
    const formats = [
      { bytes: await base.clone().png().toBuffer(), type: "image/png" },
      { bytes: await base.clone().webp().toBuffer(), type: "image/webp" },
      { bytes: await base.clone().gif().toBuffer(), type: "image/gif" },
    ];
    for (const { bytes, type } of formats) {
      const { status, body } = await upload(server.url, as("zhoumi"), bytes, { name: "no-extension", type: "application/octet-stream" });
      expect(status, type).toBe(201);
      const served = await fetch(`${server.url}${body.url}`);
      expect(served.headers.get("content-type")).toBe(type);
    }
    const fourth = await upload(server.url, as("zhoumi"), formats[0].bytes);
    expect(fourth.status).toBe(201);
    const past = await upload(server.url, as("zhoumi"), formats[0].bytes);
    expect(past.status).toBe(429);
    expect(past.body.error.code).toBe("rate_limited");
  });

  it("keeps a figure of our own photo, counts it, shows it with its size and srcset on the public page and in the feed (each width served); refuses a forged src at the socket", async () => {
    const photo = await upload(server.url, as("yaoyuchao"), await jpegWithExif(640, 480));
    expect(photo.status).toBe(201);
    const id = await createArticle(server.url, as("yaoyuchao"), "雷锋纪念馆迎来参观高峰");
    const writer = connectClient(server.url, id, as("yaoyuchao"));
    await writer.waitSynced();
    const body = writer.doc.getXmlFragment("body");
    writer.doc.transact(() => {
      const paragraph = body.get(0) as Y.XmlElement;
      paragraph.insert(0, [new Y.XmlText("五月十日,望城区举行廉洁教育活动。")]);
      const figure = new Y.XmlElement("figure");
      figure.setAttribute("src", photo.body.url);
      figure.setAttribute("width", photo.body.width as unknown as string);
      figure.setAttribute("height", photo.body.height as unknown as string);
      figure.setAttribute("alt", "纪念馆正门");
      figure.setAttribute("credit", "姚宇超");
      figure.insert(0, [new Y.XmlText("湖南雷锋纪念馆。")]);
      body.push([figure]);
    });
    await writer.waitSaved();

    const read = await api<{ stats: Stats }>(server.url, as("huhongye"), "GET", `/api/articles/${id}`);
    expect(read.body.stats).toEqual({ hanzi: 15 + 7, characters: 17 + 8, paragraphs: 1, images: 1 });

    const closes: number[] = [];
    writer.provider.on("connection-close", (event) => {
      if (event) closes.push(event.code);
    });
    writer.doc.transact(() => {
      const forged = new Y.XmlElement("figure");
      forged.setAttribute("src", "https://tracker.example/pixel.gif");
      forged.insert(0, [new Y.XmlText("伪造的图注")]);
      body.push([forged]);
    });
    await waitFor(() => closes.length > 0, { message: "forged figure refused", timeoutMs: 30_000 });
    expect(closes[0]).toBe(4400);
    writer.destroy();
    const after = await api<{ content: { text: string }; stats: Stats }>(server.url, as("huhongye"), "GET", `/api/articles/${id}`);
    expect(after.body.content.text).not.toContain("伪造的图注");
    expect(after.body.stats.images).toBe(1);

    const transition = (user: string, action: string) =>
      api<{ slug?: string }>(server.url, as(user), "POST", `/api/articles/${id}/transitions`, { action });
    expect((await transition("yaoyuchao", "submit")).status).toBe(200);
    expect((await transition("huhongye", "approve")).status).toBe(200);
    const published = await transition("huhongye", "publish");
    expect(published.status).toBe(200);
    const page = await (await fetch(`${server.url}/news/${published.body.slug}`)).text();
    // srcset: the listed widths below the photo's own (360), then the photo itself.
    expect(page).toContain(
      `<img src="${photo.body.url}" srcset="${photo.body.url}?w=360 360w, ${photo.body.url} 640w" sizes="(max-width: 760px) calc(100vw - 40px), 720px" alt="纪念馆正门" width="640" height="480" loading="lazy">`,
    );
    // Each srcset address serves that width (made once, then kept), any reader, cached a year.
    for (let i = 0; i < 2; i++) {
      const variant = await fetch(`${server.url}${photo.body.url}?w=360`);
      expect(variant.status).toBe(200);
      expect(variant.headers.get("content-type")).toBe("image/jpeg");
      expect(variant.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(await sharp(Buffer.from(await variant.arrayBuffer())).metadata()).toMatchObject({ format: "jpeg", width: 360, height: 270 });
    }
    // A width off the list is refused; a listed width past the photo's own gives the photo, never enlarged.
    for (const width of ["500", "0", "360.5", "1e3", "-360"]) {
      const refused = await fetch(`${server.url}${photo.body.url}?w=${width}`);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as ApiError).error.message).toContain("360、720、1080、1440");
    }
    const wide = await fetch(`${server.url}${photo.body.url}?w=1440`);
    expect(await sharp(Buffer.from(await wide.arrayBuffer())).metadata()).toMatchObject({ width: 640, height: 480 });
    expect((await fetch(`${server.url}/media/00000000-0000-4000-8000-000000000000?w=360`)).status).toBe(404);
    expect(page).toContain("摄影 姚宇超");
    const feed = await (await fetch(`${server.url}/news/feed.xml`)).text();
    // The entry's HTML content (escaped in the XML) shows the photo at its absolute address
    // (the feed's origin: PUBLIC_URL's business, not this test's), sized.
    expect(feed).toMatch(
      new RegExp(
        `&lt;img src=&quot;(https?://[^&/]+)${photo.body.url}&quot; srcset=&quot;\\1${photo.body.url}\\?w=360 360w, \\1${photo.body.url} 640w&quot; sizes=&quot;[^&]+&quot; alt=&quot;纪念馆正门&quot; width=&quot;640&quot; height=&quot;480&quot;`,
      ),
    );

    // Export: whoever may read the story gets it as Word (photo embedded) and as a print page.
    const docx = await fetch(`${server.url}/api/articles/${id}/export?format=docx`, { headers: { cookie: as("zhoumi") } });
    expect(docx.status).toBe(200);
    expect(docx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(decodeURIComponent(docx.headers.get("content-disposition") ?? "")).toContain("雷锋纪念馆迎来参观高峰.docx");
    const files = unzipSync(new Uint8Array(await docx.arrayBuffer()));
    const documentXml = strFromU8(files["word/document.xml"]);
    for (const words of ["雷锋纪念馆迎来参观高峰", "红网时刻新闻记者 姚宇超", "五月十日,望城区举行廉洁教育活动。", "湖南雷锋纪念馆。", "摄影 姚宇超"]) {
      expect(documentXml).toContain(words);
    }
    expect(Object.keys(files).filter((name) => name.startsWith("word/media/"))).toHaveLength(1);
    // Past the bound on the photos one export holds in memory: a clear refusal, nothing built.
    // (The in-process server reads the setting from this process's environment at call time.)
    process.env.EXPORT_MAX_IMAGE_BYTES = "1";
    try {
      const tooBig = await api<{ error: { code: string; message: string } }>(server.url, as("zhoumi"), "GET", `/api/articles/${id}/export?format=docx`);
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.error.message).toContain("请用打印版");
    } finally {
      delete process.env.EXPORT_MAX_IMAGE_BYTES;
    }

    const print = await fetch(`${server.url}/api/articles/${id}/export?format=html`, { headers: { cookie: as("huhongye") } });
    expect(print.status).toBe(200);
    const printed = await print.text();
    expect(printed).toContain("@media print");
    expect(printed).toContain("<h1>雷锋纪念馆迎来参观高峰</h1>");
    expect(printed).toContain(`<img src="${photo.body.url}"`);
    expect((await fetch(`${server.url}/api/articles/${id}/export?format=html`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/articles/${id}/export?format=pdf`, { headers: { cookie: as("huhongye") } })).status).toBe(400);
    expect((await fetch(`${server.url}/api/articles/00000000-0000-4000-8000-000000000000/export`, { headers: { cookie: as("huhongye") } })).status).toBe(404);
  });

  itWithSample("imports the sample story as a draft: title, byline in order, dateline, headings and caption placeholders, footer dropped", async () => {
    const parsed = parsePlainTextStory(sampleText!);
    const members = [
      { username: "yaoyuchao", label: "记者" },
      { username: "xuweixiang", label: "通讯员" },
      { username: "zhoumi", label: "通讯员" },
    ];
    const request = { title: parsed.title, dateline: parsed.dateline, members, body: importedBlocksToStory(parsed.blocks) };
    const created = await api<{ id: string; byline: { name: string; label: string }[] } & ApiError>(
      server.url,
      as("xuweixiang"),
      "POST",
      "/api/articles/import",
      request,
    );
    expect(created.status).toBe(201);
    expect(created.body.byline.map((p) => `${p.label} ${p.name}`)).toEqual(["记者 姚宇超", "通讯员 徐卫香", "通讯员 周汨"]);

    const reader = connectClient(server.url, created.body.id, as("zhoumi"));
    await reader.waitSynced();
    const blocks = reader.doc.getXmlFragment("body").toArray() as Y.XmlElement[];
    expect(blocks.filter((b) => b.nodeName === "heading").map(textOf)).toEqual([
      "以“红”育廉,培根铸魂",
      "以清促廉,干净干事",
      "以行践廉,亲清有为",
    ]);
    const figures = blocks.filter((b) => b.nodeName === "figure");
    expect(figures.map(textOf)).toContain("湖南雷锋纪念馆。");
    expect(figures).toHaveLength(6);
    expect(figures.every((f) => !f.getAttribute("src"))).toBe(true);
    expect(reader.bodyText()).not.toContain("来源:红网");
    reader.destroy();

    const read = await api<{ title: string; stats: Stats; content: { title: string } }>(server.url, as("huhongye"), "GET", `/api/articles/${created.body.id}`);
    expect(read.body.content.title).toBe("望城区举办“5·10”党员干部廉洁从政教育活动。");
    expect(read.body.stats).toMatchObject({ paragraphs: 18, images: 0 });
    expect(read.body.stats.hanzi).toBeGreaterThan(2000);

    const print = await (await fetch(`${server.url}/api/articles/${created.body.id}/export?format=html`, { headers: { cookie: as("huhongye") } })).text();
    expect(print).toContain("红网时刻新闻记者 姚宇超 通讯员 徐卫香 周汨 长沙报道");
  });

  it("refuses an import with an unknown byline account, a bad block, no title, or more text than allowed, creating nothing", async () => {
    const before = (await api<{ articles: unknown[] }>(server.url, as("huhongye"), "GET", "/api/articles")).body.articles.length;
    const paragraph = { type: "paragraph", text: "正文。" };
    const refused = [
      { title: "标题", members: [{ username: "nobody", label: "记者" }], body: [paragraph] },
      { title: "标题", members: [{ username: "huhongye", label: "编辑" }], body: [paragraph] },
      { title: "标题", body: [{ type: "figure", src: "https://evil.example/a.jpg", caption: "远程图片" }] },
      { title: "标题", body: [{ type: "script", text: "alert(1)" }] },
      { title: "  ", body: [paragraph] },
      { title: "太长", body: [{ type: "paragraph", text: "长".repeat(IMPORT_MAX_CHARACTERS) }] },
    ];
    for (const body of refused) {
      const answer = await api<ApiError>(server.url, as("yaoyuchao"), "POST", "/api/articles/import", body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
    }
    expect((await api<{ articles: unknown[] }>(server.url, as("huhongye"), "GET", "/api/articles")).body.articles.length).toBe(before);
  });
});
