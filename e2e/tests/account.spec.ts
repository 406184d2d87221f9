// Accounts and back office in a real browser: sign-in with the second factor, every
// account and back-office page type in French and English with axe (zero violations),
// forms driven by keyboard only, and "Mon espace" without JavaScript.
//
// It uses the demo accounts that `participe demo` prints (internal/demo/accounts.go):
// password "demo-quebec-2026", and for staff a TOTP secret derived from the address.
import { createHash, createHmac } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { axeTags, checkPage, formatViolations } from "../helpers/a11y";
import { baseURL } from "../helpers/env";

test.use({ baseURL: baseURL() });

const PASSWORD = "demo-quebec-2026";

// The demo's TOTP secret of an address: base32 of the first 20 bytes of
// sha256("participe-demo-totp:" + email), as internal/demo/accounts.go makes it.
function demoSecret(email: string): Buffer {
  return createHash("sha256").update("participe-demo-totp:" + email).digest().subarray(0, 20);
}

// totp computes the RFC 6238 code (SHA-1, 6 digits, 30 s) at time t.
function totp(key: Buffer, t: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, "0");
}

async function signIn(page: Page, email: string, next = ""): Promise<void> {
  await page.goto("/connexion" + (next ? "?next=" + encodeURIComponent(next) : ""));
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

// Staff codes: each sign-in needs a code of a new 30-second step (replays are refused),
// so a test that signs in twice waits for the next step.
const lastStep = new Map<string, number>();
async function secondFactor(page: Page, email: string): Promise<void> {
  await expect(page).toHaveURL(/\/connexion\/verification/);
  let now = Date.now();
  const step = Math.floor(now / 30000);
  if ((lastStep.get(email) ?? -1) >= step) {
    await page.waitForTimeout((step + 1) * 30000 - now + 500);
    now = Date.now();
  }
  lastStep.set(email, Math.floor(now / 30000));
  await page.locator("#code").fill(totp(demoSecret(email), now));
  await page.getByRole("button", { name: "Vérifier" }).click();
}

async function expectClean(page: Page, path: string, lang: "fr" | "en" = "fr"): Promise<void> {
  const problems = await checkPage(page, { path, lang, status: 0, from: "(account.spec)" });
  expect(problems, problems.join("\n")).toEqual([]);
}

test.describe("account pages for visitors", () => {
  for (const path of ["/connexion", "/inscription", "/mot-de-passe-oublie", "/inscription/envoye", "/mot-de-passe-oublie/envoye",
    "/en/connexion", "/en/inscription", "/en/mot-de-passe-oublie"]) {
    test(`axe ${path}`, async ({ page }) => {
      await expectClean(page, path, path.startsWith("/en") ? "en" : "fr");
    });
  }

  test("a form with errors keeps what was typed, lists the errors and passes axe", async ({ page }) => {
    await page.goto("/inscription");
    await page.getByLabel("Adresse courriel").fill("pas-une-adresse");
    await page.getByLabel("Pseudonyme").fill("Zoé");
    await page.getByLabel("Mot de passe").fill("motdepasse123");
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await expect(page).toHaveTitle(/^Erreur/);
    await expect(page.locator("#error-summary")).toBeVisible();
    await expect(page.getByLabel("Adresse courriel")).toHaveValue("pas-une-adresse");
    await expect(page.getByLabel("Pseudonyme")).toHaveValue("Zoé");
    await expect(page.getByLabel("Mot de passe")).toHaveValue("");
    // The error page is the answer to a POST: axe runs on it as it is.
    const results = await new AxeBuilder({ page }).withTags(axeTags).analyze();
    expect(formatViolations("/inscription (errors)", results.violations)).toEqual([]);
  });

  test("sign-in by keyboard only", async ({ page }) => {
    await page.goto("/connexion");
    await page.getByLabel("Adresse courriel").focus();
    await page.keyboard.type("camille@demo.participe.quebec");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/mon-espace$/);
    await expect(page.locator("h1")).toHaveText("Mon espace");
  });
});

test.describe("Mon espace", () => {
  // Sign-in is rate-limited per account (10 per 15 minutes): the pages share the
  // demo participants out.
  const people = ["mathieu", "amina", "jean", "camille"];
  const paths = ["/mon-espace", "/mon-espace/securite", "/mon-espace/donnees", "/mon-espace/organisations",
    "/mon-espace/courriel", "/mon-espace/securite/2fa", "/en/mon-espace", "/en/mon-espace/securite"];
  for (const [i, path] of paths.entries()) {
    test(`axe ${path}`, async ({ page }, testInfo) => {
      const who = people[(i + (testInfo.project.name === "mobile" ? 2 : 0)) % people.length];
      await signIn(page, `${who}@demo.participe.quebec`);
      await expect(page).toHaveURL(/\/mon-espace/);
      await expectClean(page, path, path.startsWith("/en") ? "en" : "fr");
    });
  }

  test("works without JavaScript", async ({ browser }) => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, baseURL: baseURL() });
    const page = await ctx.newPage();
    await signIn(page, "sophie@demo.participe.quebec");
    await page.goto("/mon-espace");
    await page.getByLabel("Pseudonyme").fill("Sophie de Québec");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await expect(page.getByRole("status")).toContainText("enregistré");
    await expect(page.getByLabel("Pseudonyme")).toHaveValue("Sophie de Québec");
    await ctx.close();
  });
});

test.describe("back office", () => {
  test.describe.configure({ mode: "serial" });

  test("staff pages pass axe, in French and English", async ({ page }) => {
    test.setTimeout(240_000);
    const email = "sct.admin@demo.participe.quebec";
    await signIn(page, email, "/admin");
    await secondFactor(page, email);
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.locator("h1")).toHaveText("Administration");
    const body = await page.locator("table a[href^='/admin/organismes/']").first().getAttribute("href");
    expect(body).toBeTruthy();
    const paths = ["/admin", body!, body + "/personnel", body + "/modifier", body + "/initiatives/nouvelle", "/admin/journal",
      "/en/admin", "/en" + body!, "/en/admin/journal"];
    await page.goto(body!);
    const first = await page.locator("table tbody a[href*='/admin/initiatives/']").first().getAttribute("href");
    if (first) paths.push(first, first + "/apercu");
    for (const p of paths) await expectClean(page, p, p.startsWith("/en") ? "en" : "fr");
  });

  test("keyboard only: a manager creates a draft initiative", async ({ page }) => {
    test.setTimeout(240_000);
    const email = "mcn.gestion@demo.participe.quebec";
    await signIn(page, email, "/admin");
    await secondFactor(page, email);
    await page.locator("table a[href^='/admin/organismes/']").first().focus();
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: "Nouvelle initiative" }).focus();
    await page.keyboard.press("Enter");
    await page.getByLabel("Titre en français").focus();
    await page.keyboard.type("Consultation test clavier " + Date.now());
    await page.getByLabel("Résumé en français").focus();
    await page.keyboard.type("Un résumé tapé au clavier.");
    await page.getByRole("button", { name: "Enregistrer" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").first()).toContainText("enregistrées");
    await expect(page.locator("h1")).toHaveText("Modifier l'initiative");
  });

  test("platform admin: themes pass axe; a participant is refused", async ({ page, browser }) => {
    test.setTimeout(240_000);
    const email = "admin@demo.participe.quebec";
    await signIn(page, email, "/admin/themes");
    await secondFactor(page, email);
    await expect(page).toHaveURL(/\/admin\/themes$/);
    for (const p of ["/admin/themes", "/admin/themes/nouveau", "/admin/organismes/nouveau"]) await expectClean(page, p);
    const ctx = await browser.newContext({ baseURL: baseURL() });
    const other = await ctx.newPage();
    await signIn(other, "jean@demo.participe.quebec");
    const res = await other.goto("/admin");
    expect(res?.status()).toBe(403);
    await ctx.close();
  });
});
