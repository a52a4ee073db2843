/**
 * The processes below a process, read from Linux's /proc: to check that a signalled run leaves none behind.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** `[state, parent pid]` of `pid`, or undefined once it is gone. */
function processStatus(pid: number): { state: string; parent: number } | undefined {
  try {
    // "pid (name) state ppid ...": the name may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: state!, parent: Number(parent) };
  } catch {
    return undefined;
  }
}

/** Every process whose chain of parents leads to `root`, `root` included. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const status = processStatus(pid);
    if (status === undefined) continue;
    children.set(status.parent, [...(children.get(status.parent) ?? []), pid]);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) tree.push(...(children.get(tree[index]!) ?? []));
  return tree;
}

/** True while `pid` runs (a zombie, dead but not yet reaped, counts as gone). */
export function isRunning(pid: number): boolean {
  const status = processStatus(pid);
  return status !== undefined && status.state !== 'Z' && status.state !== 'X';
}
