// Page checks shared by the accessibility tests: the frame every page must have, then axe.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import type { CrawledPage } from "./crawl";

// WCAG 2.2 AA, as SGQRI 008 3.0 asks (DESIGN.md, "Accessibility target").
export const axeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

export function formatViolations(path: string, violations: Violation[]): string[] {
  return violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 5)
      .map((n) => {
        const summary = (n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 300);
        return `      - ${n.target.join(" ")}\n        ${n.html.replace(/\s+/g, " ").slice(0, 200)}\n        ${summary}`;
      })
      .join("\n");
    const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more element(s)` : "";
    return `${path}: axe ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}\n${nodes}${more}`;
  });
}

// checkPage opens one page and returns the problems found (empty when the page is fine).
export async function checkPage(page: Page, p: CrawledPage): Promise<string[]> {
  const problems: string[] = [];
  const where = `${p.path} (linked from ${p.from})`;
  let status = 0;
  try {
    const res = await page.goto(p.path, { waitUntil: "load" });
    status = res?.status() ?? 0;
  } catch (e) {
    return [`${where}: could not open: ${String(e).split("\n")[0]}`];
  }
  if (p.expectStatus !== undefined) {
    if (status !== p.expectStatus) problems.push(`${where}: HTTP ${status}, want ${p.expectStatus}`);
  } else if (status === 0 || status >= 400) {
    problems.push(`${where}: HTTP ${status}`);
  }

  const wantLang = p.lang === "en" ? "en-CA" : "fr-CA";
  const lang = await page.locator("html").getAttribute("lang");
  if (lang !== wantLang) problems.push(`${where}: <html lang="${lang}">, want "${wantLang}"`);

  const h1 = await page.locator("h1").count();
  if (h1 !== 1) problems.push(`${where}: ${h1} <h1> elements, want exactly 1`);

  const mains = await page.getByRole("main").count();
  if (mains !== 1) problems.push(`${where}: ${mains} main landmarks, want 1`);

  // axe first, on the page at rest: a focused skip link would cover the header.
  try {
    const results = await new AxeBuilder({ page }).withTags(axeTags).options({ resultTypes: ["violations"] }).analyze();
    problems.push(...formatViolations(where, results.violations));
  } catch (e) {
    problems.push(`${where}: axe failed: ${String(e).split("\n")[0]}`);
  }

  // The first Tab from the top of the page must land on a visible skip link to the content.
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const href = el.getAttribute("href") ?? "";
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      href,
      text: (el.textContent ?? "").trim().slice(0, 60),
      targetExists: href.startsWith("#") && href.length > 1 && document.getElementById(decodeURIComponent(href.slice(1))) !== null,
      visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  });
  if (!first || first.tag !== "a" || !first.href.startsWith("#")) {
    problems.push(`${where}: first focusable element is not a skip link (got ${JSON.stringify(first)})`);
  } else {
    if (!first.targetExists) problems.push(`${where}: skip link "${first.text}" points to missing ${first.href}`);
    if (!first.visible) problems.push(`${where}: skip link "${first.text}" is not visible when focused`);
  }

  return problems;
}
