// Keyboard only, on /initiatives: reach the search field, search, then tick a filter with
// Space and submit; the focused element is visible at every step.
import { expect, test, type Page } from "@playwright/test";
import { baseURL } from "../helpers/env";
import { focusedInfo, isFocused, tabUntil, type Focused } from "../helpers/keyboard";

test.use({ baseURL: baseURL() });

const searchLabel = "Trouver une initiative de participation";

// openIfCollapsed opens, with Enter, a disclosure (details/summary or aria-expanded button)
// that hides the filters, as on small screens.
async function openIfCollapsed(page: Page, group: string, f: Focused): Promise<boolean> {
  const groupVisible = await page.getByRole("group", { name: group }).first().isVisible();
  if (groupVisible) return false;
  if (f.tag === "summary" || f.expanded === "false") {
    await page.keyboard.press("Enter");
    return true;
  }
  return false;
}

test("search and filter /initiatives with the keyboard only", async ({ page }) => {
  const invisible: string[] = [];
  await page.goto("/initiatives");
  const search = page.getByLabel(searchLabel, { exact: false }).first();
  await expect(search, "search field labelled \"Trouver une initiative de participation\"").toBeVisible();

  const reached = await tabUntil(page, () => isFocused(search), {
    invisible,
    onStep: (f) => openIfCollapsed(page, "Thème", f),
  });
  expect(reached, "Tab reaches the search field").not.toBeNull();

  await page.keyboard.press("Control+A");
  await page.keyboard.type("électricité");
  await Promise.all([page.waitForURL(/[?&]q=/), page.keyboard.press("Enter")]);
  expect(new URL(page.url()).searchParams.get("q")).toBe("électricité");
  await expect(page.locator("#result-count"), "the result count").toBeVisible();
  await expect(page.locator("ol#results"), "the list of results").toBeVisible();
  await expect(page.getByLabel(searchLabel, { exact: false }).first(), "the search field keeps the words").toHaveValue("électricité");

  // A filter: the first checkbox of the "Thème" group, ticked with Space.
  const group = page.getByRole("group", { name: "Thème" }).first();
  const onStep = (f: Focused) => openIfCollapsed(page, "Thème", f);
  const box = await tabUntil(
    page,
    async (f) => f !== null && f.type === "checkbox" && (await group.evaluate((g) => g.contains(document.activeElement))),
    { invisible, onStep },
  );
  expect(box, "Tab reaches a checkbox of the \"Thème\" filter").not.toBeNull();
  const before = page.url();
  await page.keyboard.press("Space");
  const checked = await page.evaluate(() => (document.activeElement as HTMLInputElement).checked);
  const name = box!.name;
  const value = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
  // A script may apply filters at once; without it, Tab to the form's submit button.
  await page.waitForTimeout(300);
  if (page.url() === before) {
    expect(checked, "Space ticks the checkbox").toBe(true);
    const submit = await tabUntil(
      page,
      async (f) =>
        f !== null &&
        (f.tag === "button" || f.tag === "input") &&
        (f.type === "submit" || (f.tag === "button" && f.type === "")) &&
        (await page.evaluate((n) => {
          const el = document.activeElement as HTMLButtonElement;
          return !!el.form && !!el.form.querySelector(`input[type=checkbox][name="${n}"]`);
        }, name)),
      { invisible, onStep },
    );
    expect(submit, "Tab reaches the filter form's submit button").not.toBeNull();
    await Promise.all([page.waitForURL((u) => u.toString() !== before), page.keyboard.press("Enter")]);
  }
  const params = new URL(page.url()).searchParams;
  expect(params.getAll(name), `the URL keeps the filter ${name}=${value}`).toContain(value);
  await expect(page.locator("#result-count")).toBeVisible();

  // Shift+Tab goes back with a visible focus too.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Shift+Tab");
    const f = await focusedInfo(page);
    if (f && !f.focusVisible) invisible.push(f.describe);
  }

  expect(invisible, `elements focused without a visible focus indicator:\n${invisible.join("\n")}`).toEqual([]);
});
