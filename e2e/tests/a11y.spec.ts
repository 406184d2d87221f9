// Every public page type, French and English, desktop and mobile: the page frame (lang,
// one h1, main landmark, skip link) and axe with the WCAG 2.2 AA tags, zero violations.
//
// The pages come from global-setup's crawl of the site maps. Playwright lists the tests
// before global-setup runs, so the list of tests is fixed (parts per language) and each
// part takes every PARTS-th page of the crawl when it runs.
//
// Adding a page type: link it from the site map (or from a page the site map links), and
// it is checked here in both languages at both widths; nothing to change in this file.
import { expect, test } from "@playwright/test";
import { checkPage } from "../helpers/a11y";
import type { Lang } from "../helpers/crawl";
import { baseURL, crawledLinks, crawledPages } from "../helpers/env";

const PARTS = 4;

test.use({ baseURL: baseURL() });

test("no link found by the crawl is broken", async ({}, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the same links on every screen");
  const links = crawledLinks();
  const broken = links.filter((l) => l.status === 0 || l.status >= 400);
  const list = broken.map((l) => `  HTTP ${l.status} ${l.path}  (linked from ${l.from})`).join("\n");
  expect(broken.length, `${broken.length} broken link(s) of ${links.length}:\n${list}\n`).toBe(0);
});

for (const lang of ["fr", "en"] as Lang[]) {
  test.describe(`${lang === "fr" ? "French" : "English"} pages`, () => {
    if (lang === "fr") {
      test("the site map links many page types", async ({ page }) => {
        await page.goto("/plan-du-site");
        await expect(page.locator("h1")).toHaveText("Plan du site");
        await page.goto("/en/plan-du-site");
        await expect(page.locator("h1")).toHaveText("Site map");
        const pages = crawledPages();
        const fr = pages.filter((p) => p.lang === "fr").length;
        const en = pages.filter((p) => p.lang === "en").length;
        expect(fr, "French pages found from /plan-du-site").toBeGreaterThanOrEqual(5);
        expect(en, "English pages found from /en/plan-du-site").toBeGreaterThanOrEqual(5);
      });
    }

    for (let part = 0; part < PARTS; part++) {
      test(`axe and page frame, part ${part + 1} of ${PARTS}`, async ({ page }, testInfo) => {
        // Mobile (and PARTICIPE_E2E_SAMPLE=1, used for the PostgreSQL pass) checks one page
        // of each type; desktop checks every page the crawl kept (up to 2 per type).
        const oneOfEach = testInfo.project.name === "mobile" || process.env.PARTICIPE_E2E_SAMPLE === "1";
        const all = crawledPages().filter((p) => p.lang === lang && (!oneOfEach || (p.sample ?? 0) === 0));
        const mine = all.filter((_, i) => i % PARTS === part);
        test.skip(all.length > 0 && mine.length === 0, "fewer pages than parts");
        const problems: string[] = [];
        for (const p of mine) {
          problems.push(...(await checkPage(page, p)));
        }
        const report = [`${mine.length} page(s) checked:`, ...mine.map((p) => `  ${p.path}`)].join("\n");
        await testInfo.attach("pages", { body: report, contentType: "text/plain" });
        if (problems.length > 0) {
          await testInfo.attach("problems", { body: problems.join("\n\n"), contentType: "text/plain" });
        }
        expect(problems.length, `${problems.length} problem(s) on ${mine.length} page(s):\n\n${problems.join("\n\n")}\n`).toBe(0);
      });
    }
  });
}
