// Sums the vitest JSON reports of every workspace package into one closing line, 'N passed, N failed'.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const failedSuites = [];
for (const group of ['packages', 'apps', 'tooling']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const report = join(group, name, 'test-results', 'vitest.json');
    if (!existsSync(report)) continue;
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests ?? 0;
    failed += (result.numFailedTests ?? 0) + (result.numFailedTestSuites ?? 0);
    skipped += (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
    if ((result.numFailedTests ?? 0) + (result.numFailedTestSuites ?? 0) > 0)
      failedSuites.push(`${group}/${name}`);
  }
}
if (failedSuites.length > 0) console.log(`failures in: ${failedSuites.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
