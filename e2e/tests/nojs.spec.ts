// Everything works without JavaScript: the scripts are only progressive enhancement.
import { expect, test } from "@playwright/test";
import { baseURL } from "../helpers/env";

test.use({ baseURL: baseURL(), javaScriptEnabled: false });

test("the home page renders", async ({ page }) => {
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expect(page.locator("h1")).toBeVisible();
  await expect(page.getByLabel("Trouver une initiative de participation").first()).toBeVisible();
});

test("the filter form of /initiatives submits and filters", async ({ page }) => {
  await page.goto("/initiatives");
  const group = page.getByRole("group", { name: "État" }).first();
  // On small screens the filters may sit in a closed <details>: open it like a person would.
  if (!(await group.isVisible())) {
    const summary = page.locator("details:not([open]) > summary").filter({ hasText: /filtr/i }).first();
    if ((await summary.count()) > 0) await summary.click();
  }
  await expect(group, "the \"État\" filter group").toBeVisible();
  const box = group.getByRole("checkbox").first();
  const name = (await box.getAttribute("name")) ?? "";
  const value = (await box.getAttribute("value")) ?? "";
  await box.check();
  const form = page.locator("form").filter({ has: group }).first();
  const before = page.url();
  await Promise.all([
    page.waitForURL((u) => u.toString() !== before),
    form.locator("button[type=submit], input[type=submit], button:not([type])").first().click(),
  ]);
  const params = new URL(page.url()).searchParams;
  expect(params.getAll(name), `URL has ${name}=${value}`).toContain(value);
  await expect(page.locator("#result-count")).toBeVisible();
  // The page shows the filter it applied.
  await expect(page.getByRole("group", { name: "État" }).first().locator(`input[name="${name}"][value="${value}"]`)).toBeChecked();
});

test("an initiative page opens from the list", async ({ page }) => {
  await page.goto("/initiatives");
  const first = page.locator("ol#results").getByRole("link").first();
  await expect(first).toBeVisible();
  const title = ((await first.textContent()) ?? "").trim();
  const href = (await first.getAttribute("href")) ?? "";
  const [res] = await Promise.all([page.waitForNavigation(), first.click()]);
  expect(res?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe(new URL(href, page.url()).pathname);
  await expect(page.locator("h1")).toBeVisible();
  if (title) await expect(page.locator("h1")).toContainText(title.slice(0, 20));
});

test("the language switch leads to the same page in the other language", async ({ page }) => {
  await page.goto("/initiatives");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr-CA");
  await page.getByRole("link", { name: /English/ }).first().click();
  await expect(page).toHaveURL(/\/en\/initiatives(\?|$)/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en-CA");
  await expect(page.getByLabel("Find a participation initiative").first()).toBeVisible();
  await page.getByRole("link", { name: /Français/ }).first().click();
  await expect(page).toHaveURL(/\/initiatives(\?|$)/);
  expect(new URL(page.url()).pathname).toBe("/initiatives");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr-CA");
});
