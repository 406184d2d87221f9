// Bad input never gives a 500 nor leaks internals; error pages speak the user's language;
// every response carries the security headers.
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { baseURL } from "../helpers/env";

test.use({ baseURL: baseURL() });

// Signs of an internal error shown to the user.
const leaks = /goroutine \d|panic:|runtime error|\.go:\d+|fts5|syntax error|SQLSTATE|sql: |pq: |pgx|sqlite/i;

async function expectNoLeak(page: Page) {
  const text = await page.locator("body").innerText();
  const m = text.match(leaks);
  expect(m ? `found "${m[0]}" in the page` : null, "the page shows no internal error").toBeNull();
}

// The first two are the issue's own examples: they must give 200 with a message or an
// empty result. The others are worse; a 400 page with a message is acceptable for them.
const hostile: { path: string; ok: number[] }[] = [
  { path: "/initiatives?from=not-a-date&theme=%22%27*NEAR(", ok: [200] },
  { path: "/initiatives?q=%22NEAR(%2A%3A%27", ok: [200] },
  { path: "/en/initiatives?q=%22NEAR(%2A%3A%27&to=2026-13-45&page=-3&sort=%27", ok: [200, 400] },
  { path: "/initiatives?q=" + "a%20OR%20".repeat(300) + "&region=99&mode=%00&audience=%3Cscript%3E", ok: [200, 400] },
];

for (const { path, ok } of hostile) {
  test(`hostile query string is handled: ${path.slice(0, 70)}`, async ({ page }) => {
    const res = await page.goto(path);
    expect(ok, `HTTP status ${res?.status()}`).toContain(res?.status());
    await expectNoLeak(page);
    // Either the results (maybe none) with their count, or a message.
    const count = page.locator("#result-count");
    const message = page.locator("[role=alert], [role=status]");
    const shown = (await count.isVisible()) || (await message.first().isVisible().catch(() => false));
    expect(shown, "a result count or a message is visible").toBe(true);
  });
}

test("an unknown initiative is a French 404 page", async ({ page }) => {
  const res = await page.goto("/initiatives/does-not-exist");
  expect(res?.status()).toBe(404);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr-CA");
  await expect(page.locator("h1")).toHaveCount(1);
  await expect(page.getByRole("main")).toBeVisible();
  await expectNoLeak(page);
});

test("an unknown initiative in English is an English 404 page", async ({ page }) => {
  const res = await page.goto("/en/initiatives/does-not-exist");
  expect(res?.status()).toBe(404);
  await expect(page.locator("html")).toHaveAttribute("lang", "en-CA");
  await expect(page.locator("h1")).toHaveCount(1);
  await expectNoLeak(page);
});

function checkSecurityHeaders(path: string, res: APIResponse) {
  const h = res.headers();
  const csp = h["content-security-policy"] ?? "";
  expect(csp, `${path}: Content-Security-Policy`).not.toBe("");
  expect(csp, `${path}: CSP without 'unsafe-inline'`).not.toContain("unsafe-inline");
  expect(csp, `${path}: CSP without 'unsafe-eval'`).not.toContain("unsafe-eval");
  expect(csp.replace(/\s+/g, " "), `${path}: CSP frame-ancestors 'none'`).toContain("frame-ancestors 'none'");
  expect(h["x-content-type-options"], `${path}: X-Content-Type-Options`).toBe("nosniff");
  expect(h["referrer-policy"] ?? "", `${path}: Referrer-Policy`).not.toBe("");
}

for (const path of ["/", "/initiatives", "/en/initiatives", "/initiatives/does-not-exist", "/plan-du-site"]) {
  test(`security headers on ${path}`, async ({ request }) => {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), `${path}: HTTP status`).toBeLessThan(500);
    checkSecurityHeaders(path, res);
  });
}
