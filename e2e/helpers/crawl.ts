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
  sample?: number; // 0 for the first page of its type, 1, 2 … for the others
};

export type CrawlOptions = {
  starts: string[];
  maxPerLang?: number; // pages kept per language
  perType?: number; // pages kept per page type (see TypeNamer), default 2
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

// pattern collapses the parts of a path that name one thing of a collection, so that
// /themes/sante and /themes/culture, or /initiatives/a/propositions/12 and
// /initiatives/b/propositions/7, count as one page type:
//  - top-level pages (/plan-du-site, /calendrier, …) are each their own type;
//  - the second segment is an item of a top-level collection (/themes/:x, /initiatives/:x);
//  - deeper, a segment with a digit is an id (:n), and under one parent only the first
//    `children` distinct names count as types (…/resultats, …/questionnaire); further
//    names are items of a collection (:y), e.g. one results page per survey question.
export class TypeNamer {
  private childrenOf = new Map<string, Set<string>>();
  constructor(private children = 3) {}

  pattern(path: string): string {
    const en = langOf(path) === "en";
    const rest = en ? path.slice(3) : path;
    const segs = rest.split("/").filter(Boolean);
    const out: string[] = [];
    segs.forEach((s, i) => {
      if (i === 0) out.push(s);
      else if (i === 1) out.push(":x");
      else if (/\d/.test(s)) out.push(":n");
      else {
        const parent = out.join("/");
        let set = this.childrenOf.get(parent);
        if (!set) this.childrenOf.set(parent, (set = new Set()));
        if (set.has(s) || set.size < this.children) {
          set.add(s);
          out.push(s);
        } else out.push(":y");
      }
    });
    return (en ? "/en/" : "/") + out.join("/");
  }
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

export type CrawlResult = {
  pages: CrawledPage[]; // the pages to test, a few of each type
  links: CrawledPage[]; // every page link seen, with its status (for the broken-link check)
};

export async function crawl(baseURL: string, opts: CrawlOptions): Promise<CrawlResult> {
  const maxPerLang = opts.maxPerLang ?? 60;
  const maxFetches = opts.maxFetches ?? 600;
  const perType = opts.perType ?? 2;
  const namer = new TypeNamer();
  // Every same-origin page link seen, kept or not, for the broken-link check.
  const links = new Map<string, string>();
  const origin = new URL(baseURL).origin;
  const seen = new Set<string>();
  const perPattern = new Map<string, number>();
  const perLang: Record<Lang, number> = { fr: 0, en: 0 };
  const pages: CrawledPage[] = [];
  const queue: { path: string; depth: number; from: string; sample: number }[] = [];
  let fetches = 0;

  const consider = (path: string, depth: number, from: string) => {
    if (seen.has(path)) return;
    if (skipExtensions.test(path)) return;
    if ([...skipPaths, ...(opts.extraSkip ?? [])].some((re) => re.test(path))) return;
    if (!links.has(path)) links.set(path, from);
    if (perLang[langOf(path)] >= maxPerLang) return;
    const p = namer.pattern(path);
    const n = perPattern.get(p) ?? 0;
    if (n >= perType) return;
    perPattern.set(p, n + 1);
    seen.add(path);
    perLang[langOf(path)]++;
    queue.push({ path, depth, from, sample: n });
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
      pages.push({ path: item.path, lang: langOf(item.path), status: 0, from: item.from, sample: item.sample });
      continue;
    }
    const type = res.headers.get("content-type") ?? "";
    if (!type.includes("text/html")) {
      if (res.status >= 400) pages.push({ path: item.path, lang: langOf(item.path), status: res.status, from: item.from, sample: item.sample });
      else perLang[langOf(item.path)]--; // a feed or file reached through a plain path: not a page
      continue;
    }
    pages.push({ path: item.path, lang: langOf(item.path), status: res.status, from: item.from, sample: item.sample });
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
  // Status of every other link seen (a GET each, a few at a time; the server is local).
  const statusOf = new Map(pages.map((p) => [p.path, p.status]));
  const todo = [...links.entries()].filter(([path]) => !statusOf.has(path)).slice(0, maxFetches);
  const worker = async () => {
    for (let item = todo.shift(); item; item = todo.shift()) {
      const [path] = item;
      try {
        const res = await fetch(origin + path, { headers: opts.headers ?? {}, signal: AbortSignal.timeout(20_000) });
        await res.arrayBuffer();
        statusOf.set(path, res.status);
      } catch {
        statusOf.set(path, 0);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const linked: CrawledPage[] = [...links.entries()].map(([path, from]) => ({
    path,
    from,
    lang: langOf(path),
    status: statusOf.get(path) ?? -1,
  }));
  return { pages, links: linked };
}
