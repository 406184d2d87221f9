// A small crawler that finds one or a few pages of every public page type, starting from
// the site maps (/plan-du-site, /en/plan-du-site), which link every page type. Pages that
// later features add are covered as soon as the site map (or a page it links) links them.
//
// It runs in Node (fetch + a regular expression for <a href>), not in the browser, so the
// list is ready before the tests start and can be split between workers.

export type Lang = "fr" | "en";

export type CrawledPage = {
  path: string; // path only: query strings are dropped
  lang: Lang;
  status: number;
  from: string; // the page that linked it (for failure messages)
  expectStatus?: number; // for pages that must answer an error (the 404 page)
};

export type CrawlOptions = {
  starts: string[];
  maxPerLang?: number; // pages kept per language
  maxFetches?: number; // safety bound on requests
  headers?: Record<string, string>; // e.g. a session cookie for a signed-in crawl
  extraSkip?: RegExp[];
};

// Files and machine formats: not pages.
const skipExtensions = /\.(ics|xml|atom|rss|csv|json|geojson|pdf|zip|txt|png|jpe?g|gif|svg|webp|ico|css|js|map|woff2?)$/i;

// Back office, machine endpoints, and links that change state or end the session.
const skipPaths: RegExp[] = [
  /^(\/en)?\/admin(\/|$)/,
  /^(\/en)?\/api(\/|$)/,
  /^\/(healthz|readyz|metrics)$/,
  /^\/static\//,
  /(^|\/)(deconnexion|logout|sign-out|signout|se-deconnecter)(\/|$)/,
];

export function langOf(path: string): Lang {
  return path === "/en" || path.startsWith("/en/") ? "en" : "fr";
}

// pattern collapses the parts of a path that are ids or slugs, so that
// /initiatives/dialogue-gouvernement-futur and /initiatives/journee-2024 count as one type.
export function pattern(path: string): string {
  const en = langOf(path) === "en";
  const rest = en ? path.slice(3) : path;
  const segs = rest.split("/").filter(Boolean);
  const out = segs.map((s, i) => (i > 0 && (/\d/.test(s) || s.includes("-") || s.length > 24) ? ":x" : s));
  return (en ? "/en/" : "/") + out.join("/");
}

function extractLinks(html: string): string[] {
  const links: string[] = [];
  const re = /<a\b[^>]*?\bhref\s*=\s*("([^"]*)"|'([^']*)')/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) !== null) {
    const raw = (m[2] ?? m[3] ?? "").replace(/&amp;/g, "&").replace(/&#x2f;/gi, "/").replace(/&#47;/g, "/");
    links.push(raw);
  }
  return links;
}

export async function crawl(baseURL: string, opts: CrawlOptions): Promise<CrawledPage[]> {
  const maxPerLang = opts.maxPerLang ?? 60;
  const maxFetches = opts.maxFetches ?? 600;
  const origin = new URL(baseURL).origin;
  const seen = new Set<string>();
  const perPattern = new Map<string, number>();
  const perLang: Record<Lang, number> = { fr: 0, en: 0 };
  const pages: CrawledPage[] = [];
  const queue: { path: string; depth: number; from: string }[] = [];
  let fetches = 0;

  const consider = (path: string, depth: number, from: string) => {
    if (seen.has(path)) return;
    if (skipExtensions.test(path)) return;
    if ([...skipPaths, ...(opts.extraSkip ?? [])].some((re) => re.test(path))) return;
    if (perLang[langOf(path)] >= maxPerLang) return;
    // Links of the site map itself are page types: keep several of a pattern; deeper
    // links are samples of a type: keep two.
    const cap = depth <= 1 ? 5 : 2;
    const p = pattern(path);
    const n = perPattern.get(p) ?? 0;
    if (n >= cap) return;
    perPattern.set(p, n + 1);
    seen.add(path);
    perLang[langOf(path)]++;
    queue.push({ path, depth, from });
  };

  for (const s of opts.starts) consider(s, 0, "(start)");

  while (queue.length > 0 && fetches < maxFetches) {
    const item = queue.shift()!;
    fetches++;
    let res: Response;
    try {
      res = await fetch(origin + item.path, {
        headers: { ...(opts.headers ?? {}), "Accept-Language": item.path.startsWith("/en") ? "en-CA" : "fr-CA" },
        redirect: "follow",
        signal: AbortSignal.timeout(20_000),
      });
    } catch (e) {
      // Keep it: the page test will report the failure with the browser's own message.
      pages.push({ path: item.path, lang: langOf(item.path), status: 0, from: item.from });
      continue;
    }
    const type = res.headers.get("content-type") ?? "";
    if (!type.includes("text/html")) {
      if (res.status >= 400) pages.push({ path: item.path, lang: langOf(item.path), status: res.status, from: item.from });
      else perLang[langOf(item.path)]--; // a feed or file reached through a plain path: not a page
      continue;
    }
    pages.push({ path: item.path, lang: langOf(item.path), status: res.status, from: item.from });
    const html = await res.text();
    const pageURL = new URL(res.url || origin + item.path);
    for (const href of extractLinks(html)) {
      if (/^(mailto:|tel:|javascript:|data:|#)/i.test(href)) continue;
      let u: URL;
      try {
        u = new URL(href, pageURL);
      } catch {
        continue;
      }
      if (u.origin !== origin) continue;
      consider(u.pathname, item.depth + 1, item.path);
    }
  }
  return pages;
}
