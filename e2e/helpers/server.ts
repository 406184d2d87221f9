// Starting and stopping the real participe binary, with its demo data, for the browser tests.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(__dirname, "..", "..");

export type RunningServer = {
  child: ChildProcess;
  baseURL: string;
  dir: string;
  logFile: string;
};

// freePort asks the kernel for a port nobody uses (a tiny race remains until the server binds).
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}

// startServer runs `participe demo` on a free port and waits until GET /readyz answers 200.
export async function startServer(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "participe-e2e-"));
  let bin = process.env.PARTICIPE_BIN;
  if (!bin) {
    bin = join(dir, "participe");
    console.log(`[e2e] building ${bin}`);
    execFileSync("go", ["build", "-o", bin, "./cmd/participe"], { cwd: repoRoot, stdio: "inherit" });
  }
  const port = await freePort();
  const database = process.env.PARTICIPE_E2E_DATABASE || `sqlite:${join(dir, "e2e.db")}`;
  const baseURL = `http://127.0.0.1:${port}`;
  const logFile = join(dir, "server.log");
  const log = openSync(logFile, "a");
  const args = ["demo", "--addr", `127.0.0.1:${port}`, "--database", database];
  console.log(`[e2e] starting ${bin} ${args.join(" ").replace(/\/\/[^@/]*@/, "//…@")}`);
  const child = spawn(bin, args, {
    cwd: dir,
    stdio: ["ignore", log, log],
    env: { ...process.env },
  });
  closeSync(log);
  let exited: string | null = null;
  child.on("exit", (code, signal) => {
    exited = `exit code ${code}, signal ${signal}`;
  });

  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`participe demo stopped before it was ready (${exited}); its log:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        console.log(`[e2e] server ready at ${baseURL} (log: ${logFile})`);
        return { child, baseURL, dir, logFile };
      }
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`participe demo not ready after 60 s (last answer: ${last}); its log:\n${tail(logFile)}`);
}

// stopServer sends SIGTERM (graceful drain), then SIGKILL after 10 s.
export async function stopServer(s: RunningServer): Promise<void> {
  const { child } = s;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await done;
  clearTimeout(timer);
}
