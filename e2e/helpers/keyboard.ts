// Keyboard-only navigation helpers: move with Tab / Shift+Tab and check that every focused
// element shows a visible focus indicator.
import type { Locator, Page } from "@playwright/test";

export type Focused = {
  tag: string;
  type: string;
  name: string;
  label: string;
  expanded: string | null;
  focusVisible: boolean;
  describe: string;
};

// focusedInfo describes document.activeElement, and whether its focus can be seen: an
// outline or a box-shadow on the element itself or, for inputs drawn by their label (custom
// checkboxes), on the label or its ::before/::after.
export async function focusedInfo(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return null;
    const shows = (e: Element, pseudo?: string) => {
      const cs = getComputedStyle(e, pseudo);
      const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0;
      const shadow = cs.boxShadow !== "" && cs.boxShadow !== "none";
      return outline || shadow;
    };
    const candidates: [Element, string | undefined][] = [[el, undefined]];
    const labels = (el as HTMLInputElement).labels;
    if (labels) {
      for (const l of Array.from(labels)) {
        candidates.push([l, undefined], [l, "::before"], [l, "::after"]);
      }
    }
    const next = el.nextElementSibling;
    if (next) candidates.push([next, undefined], [next, "::before"], [next, "::after"]);
    // Focus inside a control's own (user-agent) shadow tree, e.g. the calendar button of
    // <input type=date>: the host does not match :focus and the browser draws that ring.
    const innerPart = !el.matches(":focus");
    const focusVisible = innerPart || candidates.some(([e, p]) => shows(e, p));
    const own = getComputedStyle(el);
    const style = `outline: ${own.outlineStyle} ${own.outlineWidth}; box-shadow: ${own.boxShadow}`;
    const label = labels && labels.length > 0 ? (labels[0].textContent ?? "").trim() : el.getAttribute("aria-label") ?? "";
    const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50);
    const id = el.id ? `#${el.id}` : "";
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute("type") ?? "",
      name: el.getAttribute("name") ?? "",
      label,
      expanded: el.getAttribute("aria-expanded"),
      focusVisible,
      describe: `<${el.tagName.toLowerCase()}${id}${el.getAttribute("name") ? ` name=${el.getAttribute("name")}` : ""}> "${label || text}" (${style})`,
    };
  });
}

export async function isFocused(loc: Locator): Promise<boolean> {
  return loc.evaluate((el) => el === document.activeElement).catch(() => false);
}

// tabUntil presses Tab until `done` says yes, checking focus visibility at each step.
// `onStep` may act on the focused element (e.g. open a collapsed "Filtres" section) and
// returns true when it did something.
export async function tabUntil(
  page: Page,
  done: (f: Focused | null) => Promise<boolean>,
  opts: { max?: number; invisible?: string[]; onStep?: (f: Focused) => Promise<boolean> } = {},
): Promise<Focused | null> {
  const max = opts.max ?? 150;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focusedInfo(page);
    if (f && !f.focusVisible) opts.invisible?.push(f.describe);
    if (await done(f)) return f;
    if (f && opts.onStep) await opts.onStep(f);
  }
  return null;
}
