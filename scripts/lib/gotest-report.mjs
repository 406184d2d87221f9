// gotest-report.mjs reads `go test -json` on stdin and prints a short, readable report:
// one line per package, the full output of every failing test, and the build errors.
// Usage: go test -json ./... | node gotest-report.mjs counts.json
// counts.json receives {"passed":N,"failed":N,"skipped":N,"packagesFailed":N} where the
// test counts are top-level tests (subtests are part of their parent).
import { createInterface } from "node:readline";
import { writeFileSync } from "node:fs";

const countsFile = process.argv[2];
const out = new Map(); // "pkg\x00test" -> [output lines]
const counts = { passed: 0, failed: 0, skipped: 0, packagesFailed: 0 };
const failedTests = [];

function key(ev) {
  return `${ev.Package || ev.ImportPath || ""}\x00${ev.Test || ""}`;
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  let ev;
  try {
    ev = JSON.parse(line);
  } catch {
    // go test prints some things (e.g. "go: downloading …") outside JSON.
    process.stdout.write(line + "\n");
    return;
  }
  switch (ev.Action) {
    case "build-output":
      process.stdout.write(ev.Output || "");
      return;
    case "output": {
      const k = key(ev);
      if (!out.has(k)) out.set(k, []);
      out.get(k).push(ev.Output || "");
      return;
    }
    case "pass":
    case "fail":
    case "skip":
      break;
    default:
      return;
  }
  const topLevel = ev.Test && !ev.Test.includes("/");
  if (ev.Test) {
    if (topLevel) {
      if (ev.Action === "pass") counts.passed++;
      else if (ev.Action === "fail") counts.failed++;
      else counts.skipped++;
    }
    if (ev.Action === "fail") {
      failedTests.push(`${ev.Package} ${ev.Test}`);
      // Print the failing leaf tests' output once; a parent only repeats "--- FAIL" lines.
      process.stdout.write(`\n--- FAIL ${ev.Package} ${ev.Test}\n`);
      process.stdout.write((out.get(key(ev)) || []).join(""));
    }
    out.delete(key(ev));
    return;
  }
  // Package done.
  const elapsed = ev.Elapsed !== undefined ? ` ${ev.Elapsed.toFixed(1)}s` : "";
  if (ev.Action === "fail") {
    counts.packagesFailed++;
    const pkgOut = (out.get(key(ev)) || []).join("");
    process.stdout.write(`FAIL ${ev.Package}${elapsed}\n`);
    // Package-level output holds panics, TestMain errors and timeouts.
    if (pkgOut.trim() !== "" && !/^(FAIL|ok)\s/.test(pkgOut.trim())) {
      process.stdout.write(pkgOut.replace(/^/gm, "    "));
    }
  } else if (ev.Action === "pass") {
    process.stdout.write(`ok   ${ev.Package}${elapsed}\n`);
  } else {
    const pkgOut = (out.get(key(ev)) || []).join("");
    if (!/no test files/.test(pkgOut)) process.stdout.write(`skip ${ev.Package}\n`);
  }
  out.delete(key(ev));
});

rl.on("close", () => {
  if (failedTests.length > 0) {
    process.stdout.write(`\nFailed Go tests:\n${failedTests.map((t) => "  " + t).join("\n")}\n`);
  }
  process.stdout.write(
    `Go tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` +
      ` (${counts.packagesFailed} package(s) failed)\n`,
  );
  if (countsFile) writeFileSync(countsFile, JSON.stringify(counts));
});
