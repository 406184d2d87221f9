// Stops the server global-setup started and keeps its log in e2e/logs/server-<engine>.log.
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stopServer } from "./helpers/server";

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__participeServer;
  if (!server) return;
  await stopServer(server);
  // Not test-results/: Playwright empties it at each run, and scripts/test runs twice.
  const keep = join(__dirname, "logs");
  try {
    mkdirSync(keep, { recursive: true });
    if (existsSync(server.logFile)) {
      copyFileSync(server.logFile, join(keep, `server-${process.env.PARTICIPE_E2E_ENGINE || "e2e"}.log`));
    }
  } catch {
    // The log is a convenience; losing it must not fail the run.
  }
  rmSync(server.dir, { recursive: true, force: true });
  globalThis.__participeServer = undefined;
}
