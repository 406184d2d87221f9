// Values that global-setup passes to the tests through the environment.
import { existsSync, readFileSync } from "node:fs";
import type { CrawledPage } from "./crawl";

// baseURL is the server under test, set by global-setup (or by the person running the tests).
export function baseURL(): string | undefined {
  return process.env.PARTICIPE_E2E_BASE_URL;
}

// crawledPages is the list global-setup found from the site maps. While Playwright only lists
// the tests (before global-setup ran) the file does not exist yet and the list is empty.
export function crawledPages(): CrawledPage[] {
  const file = process.env.PARTICIPE_E2E_PAGES;
  if (!file || !existsSync(file)) return [];
  return JSON.parse(readFileSync(file, "utf8")) as CrawledPage[];
}

// crawledLinks is every same-origin page link the crawl saw, with its HTTP status.
export function crawledLinks(): CrawledPage[] {
  const file = process.env.PARTICIPE_E2E_LINKS;
  if (!file || !existsSync(file)) return [];
  return JSON.parse(readFileSync(file, "utf8")) as CrawledPage[];
}
