// The survey's back office in a real browser, signed in as demo staff of the MCN (the body
// of the seed 000 consultation day): a moderator enters a paper form with the keyboard
// only (a typing error first: the error summary, then the fix), then a manager opens every
// staff page of the survey — builder, section and question forms, preview, data entry,
// the blind double-entry check of the moderator's form (and its differences), results
// with filters, open answers, exports, one-time links — in French and English, with axe
// (WCAG 2.2 AA tags) reporting zero violations on each.
//
// Demo accounts (internal/demo/accounts.go): password "demo-quebec-2026"; staff second
// factor: TOTP whose secret is the first 20 bytes of sha256("participe-demo-totp:" + email).
// Each staff account signs in once (a TOTP code is accepted once), so the spec runs in
// order, on the desktop project only.
import { createHash, createHmac } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { axeTags, formatViolations } from "../helpers/a11y";
import { baseURL } from "../helpers/env";
import { focusedInfo, tabUntil } from "../helpers/keyboard";

test.use({ baseURL: baseURL() });
test.describe.configure({ mode: "serial" });

const PASSWORD = "demo-quebec-2026";

function totpCode(email: string, t: number): string {
  const key = createHash("sha256").update("participe-demo-totp:" + email).digest().subarray(0, 20);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}

async function signInStaff(page: Page, email: string): Promise<void> {
  await page.goto("/connexion");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/connexion\/verification/);
  // A code is accepted once: if this step's code was used already (another sign-in of
  // the same account moments ago), the next 30-second step's code is.
  for (let attempt = 0; attempt < 2; attempt++) {
    const now = Date.now();
    await page.locator("#code").fill(totpCode(email, now));
    await page.getByRole("button", { name: "Vérifier" }).click();
    await page.waitForLoadState("load");
    if (!/\/connexion/.test(page.url())) return;
    await page.waitForTimeout((Math.floor(now / 30000) + 1) * 30000 - Date.now() + 500);
  }
  await expect(page).not.toHaveURL(/\/connexion/);
}

// adminBase finds the survey's back-office address from the open-data API (ids differ
// between engines and runs; a moderator cannot open the body's page).
async function adminBase(page: Page): Promise<string> {
  const res = await page.request.get("/api/v1/initiatives/journee-enjeux-gouvernement-en-ligne");
  expect(res.status(), "the initiative in the API").toBe(200);
  const id = ((await res.json()) as { id: number }).id;
  expect(id).toBeGreaterThan(0);
  return `/admin/initiatives/${id}/questionnaire`;
}

class Checker {
  problems: string[] = [];
  checked: string[] = [];
  constructor(private page: Page) {}

  // check runs axe on the page as it is (after a GET or a POST) and the frame checks.
  async check(what = ""): Promise<void> {
    const u = new URL(this.page.url());
    const path = u.pathname + u.search + (what ? ` (${what})` : "");
    this.checked.push(path);
    const results = await new AxeBuilder({ page: this.page }).withTags(axeTags).options({ resultTypes: ["violations"] }).analyze();
    this.problems.push(...formatViolations(path, results.violations));
    const h1 = await this.page.locator("h1").count();
    if (h1 !== 1) this.problems.push(`${path}: ${h1} <h1>, want 1`);
    if ((await this.page.getByRole("main").count()) !== 1) this.problems.push(`${path}: not exactly one main landmark`);
    const lang = await this.page.locator("html").getAttribute("lang");
    const want = u.pathname.startsWith("/en/") ? "en-CA" : "fr-CA";
    if (lang !== want) this.problems.push(`${path}: <html lang="${lang}">, want ${want}`);
  }

  async open(path: string, status = 200): Promise<void> {
    const res = await this.page.goto(path);
    if (res?.status() !== status) this.problems.push(`${path}: HTTP ${res?.status()}, want ${status}`);
    await this.check();
  }

  expectClean(): void {
    expect(this.problems.length, `${this.problems.length} problem(s) on ${this.checked.length} page(s):\n\n${this.problems.join("\n\n")}\n`).toBe(0);
  }
}

// tabTo presses Tab until the focused control has that name (radio group, field).
async function tabTo(page: Page, name: string, invisible: string[]): Promise<void> {
  const f = await tabUntil(page, async (f) => f !== null && f.name === name, { invisible, max: 250 });
  expect(f, `Tab reaches ${name}`).not.toBeNull();
}

// pressButton tabs to the button with that text and presses Enter, waiting for the page
// the form leads to.
async function pressButton(page: Page, text: string, invisible: string[]): Promise<void> {
  const f = await tabUntil(
    page,
    async (f) => f !== null && f.tag === "button" && (await page.evaluate(() => (document.activeElement?.textContent ?? "").trim())) === text,
    { invisible, max: 250 },
  );
  expect(f, `Tab reaches the button "${text}"`).not.toBeNull();
  await Promise.all([page.waitForEvent("framenavigated", (fr) => fr === page.mainFrame()), page.keyboard.press("Enter")]);
  await page.waitForLoadState("load");
}

let base = "";
let paperRef = "";

test("paper entry with the keyboard only, axe on the entry pages", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "staff sign-in codes are single-use: one project");
  test.setTimeout(300_000); // a shared 2-core machine; axe on the long entry form takes a while
  const c = new Checker(page);
  const invisible: string[] = [];
  await signInStaff(page, "mcn.moderation@demo.participe.quebec");
  base = await adminBase(page);
  await c.open(base + "/saisie");

  // The channel list has the focus when the page opens (one form after the other).
  let f = await focusedInfo(page);
  expect(f?.name, "the channel list has the focus").toBe("channel");
  await page.keyboard.press("Tab");
  f = await focusedInfo(page);
  expect(f?.name).toBe("paper_form_id");
  const formID = `P-CLAVIER-${testInfo.retry}-${Date.now() % 100000}`;
  await page.keyboard.type(formID);
  await tabTo(page, "q.type_organisation", invisible);
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowDown"); // économie sociale
  await expect(page.locator("#q-type_organisation-economie_sociale")).toBeChecked();
  await tabTo(page, "q.avant_internet_org", invisible);
  await page.keyboard.type("Nos notes étaient sur papier.");
  await tabTo(page, "q.copie_notes", invisible);
  await page.keyboard.press("Space"); // oui: the address is asked (shown at once by survey.js)
  await expect(page.locator("#q-copie_notes-oui")).toBeChecked();
  await tabTo(page, "q.copie_courriel", invisible);
  await page.keyboard.type("pas-une-adresse");
  await pressButton(page, "Enregistrer et saisir le suivant", invisible);

  // The typing error: the summary at the top, what was typed kept, nothing saved.
  await expect(page.locator(".error-summary")).toBeVisible();
  await expect(page).toHaveTitle(/^Erreur/);
  await expect(page.locator("#paper_form_id")).toHaveValue(formID);
  await expect(page.locator("#q-type_organisation-economie_sociale")).toBeChecked();
  await expect(page.locator("#q-copie_courriel")).toHaveValue("pas-une-adresse");
  await c.check("after a typing error");

  // The summary's link leads to the field; fix it and save.
  const link = page.locator(".error-summary a").first();
  await link.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#q-copie_courriel")).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("atelier@example.org");
  await pressButton(page, "Enregistrer et saisir le suivant", invisible);
  await expect(page).toHaveURL(/\/saisie\?canal=paper&ok=/);
  const saved = page.getByRole("status");
  await expect(saved).toContainText("enregistrée");
  paperRef = /ok=([^&]+)/.exec(page.url())![1];
  // A fresh, empty form for the next one, and the entry in the recent list.
  await expect(page.locator("#paper_form_id")).toHaveValue("");
  await expect(page.locator("table").getByText(paperRef)).toBeVisible();
  await c.check("saved, next form");

  expect(invisible, `focus not visible on:\n${invisible.join("\n")}`).toEqual([]);
  await testInfo.attach("pages", { body: c.checked.join("\n"), contentType: "text/plain" });
  c.expectClean();
});

test.describe("manager pages", () => {
  // One sign-in for the group (a TOTP code is accepted once): the session cookie is
  // saved and each test opens its own context with it.
  let state = "";
  test.beforeAll(async ({ browser }, testInfo) => {
    if (testInfo.project.name !== "desktop") return;
    test.setTimeout(120_000);
    const ctx = await browser.newContext({ baseURL: baseURL() });
    const page = await ctx.newPage();
    await signInStaff(page, "mcn.gestion@demo.participe.quebec");
    if (!base) base = await adminBase(page);
    state = testInfo.outputPath("manager-state.json");
    await ctx.storageState({ path: state });
    await ctx.close();
  });

  async function managerPage(browser: Browser): Promise<{ page: Page; c: Checker; close: () => Promise<void> }> {
    const ctx = await browser.newContext({ baseURL: baseURL(), storageState: state });
    const page = await ctx.newPage();
    return { page, c: new Checker(page), close: () => ctx.close() };
  }

  test.beforeEach(async ({}, testInfo) => {
    test.skip(testInfo.project.name !== "desktop", "staff sign-in codes are single-use: one project");
    test.setTimeout(300_000);
  });

  test("builder, section and question forms, preview", async ({ browser }, testInfo) => {
    const { page, c, close } = await managerPage(browser);
    await c.open(base);
    const sectionHref = await page.locator(`a[href*="${base}/sections/"]`).first().getAttribute("href");
    const questionHref = await page.locator(`a[href*="${base}/questions/"]:not([href$="/nouvelle"])`).first().getAttribute("href");
    expect(sectionHref && questionHref, "the builder links each section and question").toBeTruthy();
    await c.open(sectionHref!);
    await c.open(questionHref!);
    await c.open(base + "/questions/nouvelle");
    // A question saved with an error (no label): the form again, with its summary.
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await expect(page.locator(".error-summary")).toBeVisible();
    await c.check("question form with errors");
    await c.open(base + "/apercu");
    await testInfo.attach("pages", { body: c.checked.join("\n"), contentType: "text/plain" });
    await close();
    c.expectClean();
  });

  test("data entry and the blind double entry of the moderator's form", async ({ browser }, testInfo) => {
    const { page, c, close } = await managerPage(browser);
    await c.open(base + "/saisie");
    expect(paperRef, "the moderator's paper form (previous test)").not.toBe("");
    const verify = page.getByRole("link", { name: new RegExp(`Vérifier\\s+${paperRef}`) });
    await expect(verify).toBeVisible();
    await verify.click();
    await expect(page).toHaveURL(/\/saisie\/\d+\/verifier$/);
    await c.check("double entry");
    // Typed again with one difference: the two entries are shown side by side.
    await page.locator("#q-type_organisation-communautaire").check();
    await page.getByRole("button", { name: "Comparer" }).click();
    await expect(page.locator("table").filter({ hasText: "Première saisie" })).toBeVisible();
    await c.check("double entry with differences");
    await testInfo.attach("pages", { body: c.checked.join("\n"), contentType: "text/plain" });
    await close();
    c.expectClean();
  });

  test("results (staff view, filters), open answers and exports", async ({ browser }, testInfo) => {
    const { page, c, close } = await managerPage(browser);
    await c.open(base + "/resultats");
    await c.open(base + "/resultats?canal=paper");
    await c.open(base + "/resultats?region=06&age=25-34");
    await c.open(base + "/resultats/avant_internet_org");
    await c.open(base + "/resultats/avant_internet_org?q=papier");
    for (const [ext, type] of [
      ["csv", "text/csv"],
      ["json", "application/json"],
    ]) {
      const res = await page.request.get(base + "/reponses." + ext);
      expect(res.status(), `export ${ext}`).toBe(200);
      expect(res.headers()["content-type"]).toContain(type);
    }
    await testInfo.attach("pages", { body: c.checked.join("\n"), contentType: "text/plain" });
    await close();
    c.expectClean();
  });

  test("the same staff pages in English", async ({ browser }, testInfo) => {
    const { c, close } = await managerPage(browser);
    for (const p of ["", "/apercu", "/saisie", "/resultats", "/resultats/avant_internet_org"]) await c.open("/en" + base + p);
    await testInfo.attach("pages", { body: c.checked.join("\n"), contentType: "text/plain" });
    await close();
    c.expectClean();
  });
});
