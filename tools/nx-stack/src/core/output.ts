/**
 * Gives a long output time to reach the user before the executor returns.
 * Nx runs a task in a pseudo-terminal and forwards what it reads from it;
 * when the task ends it stops forwarding, and what it has not read yet is
 * lost (measured: `stack:logs --json --limit=0` piped into a file kept 1,900
 * of 2,500 lines). Waiting in proportion to the lines written lets it catch
 * up (about 2 ms per line, at most 5 s). A short output needs no wait.
 */
export function outputSettled(lines: number): Promise<void> {
  const ms = lines > 50 ? Math.min(5000, 200 + lines * 2) : 0;
  return new Promise((resolve) => setTimeout(resolve, ms));
}
