/** A task of the simulation: runs at its instant (epoch ms), in the order tasks were scheduled for equal instants. */
interface Task {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void | Promise<void>;
}

/**
 * The simulated clock: a priority queue of tasks ordered by instant, then by scheduling order. Running tasks in
 * this order is what makes the history deterministic and its timestamps non-decreasing in log order.
 */
export class Scheduler {
  private readonly heap: Task[] = [];
  private seq = 0;
  now: number;

  constructor(start: number) {
    this.now = start;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `run` at `at` (never before now: a task cannot change the past). */
  at(at: number, run: () => void | Promise<void>): void {
    this.push({ at: Math.max(at, this.now), seq: this.seq++, run });
  }

  /** Runs the next task; false when none is left or the next one is at or after `until`. */
  async step(until: number): Promise<boolean> {
    const next = this.heap[0];
    if (!next || next.at >= until) return false;
    this.pop();
    this.now = next.at;
    await next.run();
    return true;
  }

  private push(task: Task): void {
    const h = this.heap;
    h.push(task);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function before(a: Task, b: Task): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
