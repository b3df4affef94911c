import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter } from 'vitest/reporters';

/**
 * Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after vitest's own report, so CI
 * logs end with a count any tool can read.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []): void {
    const counts = { pass: 0, fail: 0, skip: 0 };
    const visit = (task: RunnerTask): void => {
      if (task.type === 'suite') {
        for (const child of task.tasks) visit(child);
        if (task.result?.state === 'fail' && task.tasks.length === 0) counts.fail++;
        return;
      }
      const state = task.result?.state;
      if (state === 'pass') counts.pass++;
      else if (state === 'fail') counts.fail++;
      else counts.skip++;
    };
    for (const file of files) {
      visit(file);
      if (file.result?.state === 'fail' && file.tasks.length === 0) counts.fail++;
    }
    process.stdout.write(`\nTests: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped\n`);
  }
}
