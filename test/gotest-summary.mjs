// gotest-summary.mjs — reads `go test -json` on stdin, prints go test's usual
// package lines and failures, and ends with `go-tests: N passed, M failed,
// K skipped`. Exit 1 when anything failed (a build failure counts).
import { createInterface } from 'node:readline';

let passed = 0, failed = 0, skipped = 0;
const output = new Map(); // test key -> lines, printed only for failures
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let e;
  try { e = JSON.parse(line); } catch { console.log(line); return; }
  const key = `${e.Package} ${e.Test ?? ''}`;
  if (e.Action === 'output') {
    if (!output.has(key)) output.set(key, []);
    output.get(key).push(e.Output);
    if (!e.Test && /^(ok|FAIL|\?)\s/.test(e.Output)) process.stdout.write(e.Output);
    return;
  }
  if (e.Action === 'build-fail' || (e.Action === 'fail' && !e.Test && !output.get(key)?.some((l) => /^(ok|FAIL)\s/.test(l)))) {
    failed++;
    process.stdout.write((output.get(key) ?? []).join(''));
  }
  if (!e.Test) return;
  if (e.Action === 'pass') passed++;
  if (e.Action === 'skip') skipped++;
  if (e.Action === 'fail') {
    failed++;
    process.stdout.write((output.get(key) ?? []).join(''));
  }
});
rl.on('close', () => {
  console.log(`go-tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed ? 1 : 0);
});
