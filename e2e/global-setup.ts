// Starts `participe demo` (unless PARTICIPE_E2E_BASE_URL points at a running server), then
// crawls the site maps once so that the accessibility tests can share the pages out.
import type { FullConfig } from "@playwright/test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crawl, type CrawledPage } from "./helpers/crawl";
import { startServer, type RunningServer } from "./helpers/server";

declare global {
  // eslint-disable-next-line no-var
  var __participeServer: RunningServer | undefined;
}

const extraPages: CrawledPage[] = [
  { path: "/initiatives?q=%C3%A9lectricit%C3%A9", lang: "fr", status: 0, from: "(search with highlighted snippets)" },
  { path: "/en/initiatives?q=electricity", lang: "en", status: 0, from: "(search with highlighted snippets)" },
  { path: "/initiatives?q=zzzqqqxxx", lang: "fr", status: 0, from: "(search without results)" },
  { path: "/initiatives?from=not-a-date", lang: "fr", status: 0, from: "(invalid filter)" },
  { path: "/initiatives/does-not-exist", lang: "fr", status: 0, from: "(404 page)", expectStatus: 404 },
  { path: "/en/initiatives/does-not-exist", lang: "en", status: 0, from: "(404 page)", expectStatus: 404 },
];

export default async function globalSetup(_config: FullConfig): Promise<void> {
  let dir: string;
  if (process.env.PARTICIPE_E2E_BASE_URL) {
    dir = mkdtempSync(join(tmpdir(), "participe-e2e-"));
  } else {
    const server = await startServer();
    globalThis.__participeServer = server;
    process.env.PARTICIPE_E2E_BASE_URL = server.baseURL;
    dir = server.dir;
  }
  const base = process.env.PARTICIPE_E2E_BASE_URL!;
  const started = Date.now();
  const { pages, links } = await crawl(base, { starts: ["/plan-du-site", "/en/plan-du-site"] });
  // States of pages that no link without a query string reaches.
  pages.push(...extraPages);
  const file = join(dir, "pages.json");
  writeFileSync(file, JSON.stringify(pages, null, 1));
  process.env.PARTICIPE_E2E_PAGES = file;
  const linksFile = join(dir, "links.json");
  writeFileSync(linksFile, JSON.stringify(links, null, 1));
  process.env.PARTICIPE_E2E_LINKS = linksFile;
  const fr = pages.filter((p) => p.lang === "fr").length;
  const types = pages.filter((p) => (p.sample ?? 0) === 0).length;
  console.log(
    `[e2e] crawled ${pages.length} pages (${fr} French, ${pages.length - fr} English; ${types} page types)` +
      ` and checked ${links.length} links in ${Date.now() - started} ms`,
  );
  if (process.env.PARTICIPE_E2E_LIST_PAGES === "1") {
    for (const p of pages) console.log(`  ${p.sample ?? 0} ${p.status} ${p.path}  <- ${p.from}`);
  }
}
