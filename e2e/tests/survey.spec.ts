// The seed 000 workbook answered as a new visitor would on a phone-sized screen, with the
// keyboard only: start, a validation error (summary focused), every section, the review
// page, sending, the confirmation. axe (WCAG 2.2 AA tags) runs on every survey page met on
// the way and on the public results, the open answers, the printable form and the
// one-page form; zero violations.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { axeTags, formatViolations } from "../helpers/a11y";
import { baseURL } from "../helpers/env";
import { focusedInfo, tabUntil } from "../helpers/keyboard";

test.use({ baseURL: baseURL() });

const base = "/initiatives/journee-enjeux-gouvernement-en-ligne/questionnaire";

// The answers chosen for the required questions (others keep their first option).
const choose: Record<string, string> = { type_organisation: "communautaire", consultation_souhait: "non", copie_notes: "non" };

async function axe(page: Page, problems: string[], checked: string[]) {
  const path = new URL(page.url()).pathname + (new URL(page.url()).search || "");
  checked.push(path);
  const results = await new AxeBuilder({ page }).withTags(axeTags).options({ resultTypes: ["violations"] }).analyze();
  problems.push(...formatViolations(path, results.violations));
  const h1 = await page.locator("h1").count();
  if (h1 !== 1) problems.push(`${path}: ${h1} <h1>, want 1`);
}

// pressButton tabs to the button with that text and presses Enter.
async function pressButton(page: Page, text: string, invisible: string[]) {
  const f = await tabUntil(page, async (f) => f !== null && f.tag === "button" && (await page.evaluate(() => (document.activeElement?.textContent ?? "").trim())) === text, { invisible });
  expect(f, `Tab reaches the button "${text}"`).not.toBeNull();
  // Every button met here submits a form: wait for the next page (even at the same URL).
  await Promise.all([page.waitForEvent("framenavigated", (fr) => fr === page.mainFrame()), page.keyboard.press("Enter")]);
  await page.waitForLoadState("load");
}

// answerRequiredRadios answers, by keyboard, each required radio group of the page that has
// no answer: Tab to the group, Space on its first option, arrows to the chosen one.
async function answerRequiredRadios(page: Page, invisible: string[]) {
  const groups = await page.evaluate(() => {
    const out: { name: string; values: string[] }[] = [];
    for (const fs of Array.from(document.querySelectorAll("fieldset[aria-required=true]"))) {
      const radios = Array.from(fs.querySelectorAll<HTMLInputElement>(":scope > .choice > input[type=radio], :scope > div > .choice > input[type=radio]"));
      if (radios.length === 0 || radios.some((r) => r.checked)) continue;
      out.push({ name: radios[0].name, values: radios.map((r) => r.value) });
    }
    return out;
  });
  for (const g of groups) {
    const f = await tabUntil(page, async (f) => f !== null && f.name === g.name, { invisible });
    expect(f, `Tab reaches ${g.name}`).not.toBeNull();
    await page.keyboard.press("Space");
    const key = g.name.replace(/^q\./, "");
    const target = Math.max(0, g.values.indexOf(choose[key] ?? g.values[0]));
    for (let i = 0; i < target; i++) await page.keyboard.press("ArrowDown");
    await expect(page.locator(`input[name="${g.name}"][value="${g.values[target]}"]`)).toBeChecked();
    // Back to the top so that the next Tab search starts before the next group.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  }
}

test("the workbook answered by keyboard on a phone, axe on every survey page", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "the phone-sized screen is the case the issue asks for");
  const problems: string[] = [];
  const checked: string[] = [];
  const invisible: string[] = [];

  await page.goto(base);
  await axe(page, problems, checked);
  await pressButton(page, "Commencer", invisible);
  await expect(page).toHaveURL(/\/section\/1$/);
  await axe(page, problems, checked);

  // Next without the required answer: the error summary, focused, linking to the field.
  await pressButton(page, "Continuer", invisible);
  await expect(page.locator(".error-summary")).toBeVisible();
  await expect(page).toHaveTitle(/^Erreur/);
  const summaryFocused = await page.evaluate(() => document.activeElement?.closest(".error-summary") !== null);
  expect(summaryFocused, "the error summary has the focus").toBe(true);
  await axe(page, problems, checked);

  for (let step = 0; step < 12 && /\/section\/\d+/.test(page.url()); step++) {
    await answerRequiredRadios(page, invisible);
    const before = page.url();
    await pressButton(page, "Continuer", invisible);
    expect(page.url(), `left ${before}`).not.toBe(before);
    await axe(page, problems, checked);
  }
  await expect(page).toHaveURL(/\/verifier$/);
  await expect(page.locator("h1")).toHaveText("Vérifier vos réponses");
  await pressButton(page, "Envoyer mes réponses", invisible);
  await expect(page).toHaveURL(/\/confirmation\/Q-/);
  await expect(page.locator(".survey-ref")).toHaveText(/^Q-/);
  await axe(page, problems, checked);

  for (const p of ["/resultats", "/resultats/avant_internet_org", "/imprimer", "/repondre"]) {
    await page.goto(base + p);
    await axe(page, problems, checked);
  }
  await page.goto("/en" + base + "/resultats");
  await axe(page, problems, checked);

  await testInfo.attach("pages", { body: checked.join("\n"), contentType: "text/plain" });
  expect(invisible, `focus not visible on:\n${invisible.join("\n")}`).toEqual([]);
  expect(problems.length, `${problems.length} problem(s) on ${checked.length} page(s):\n\n${problems.join("\n\n")}\n`).toBe(0);
});
