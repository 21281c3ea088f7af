import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** What the load generator saw in one round. */
export interface LoadRound {
  /** Seconds over which work was offered: the arrival window (open loop) or until the last client stopped (closed loop). */
  elapsedSeconds: number;
  completed: number;
  errors: number;
  latenciesMs: number[];
  firstError?: string;
}

type Task = (index: number) => Promise<void>;

class Tally {
  readonly latenciesMs: number[] = [];
  errors = 0;
  firstError: string | undefined;
  inFlight = 0;

  async track(task: Task, index: number, since: number): Promise<void> {
    this.inFlight += 1;
    try {
      await task(index);
      this.latenciesMs.push(performance.now() - since);
    } catch (error) {
      this.errors += 1;
      this.firstError ??= error instanceof Error ? error.message : String(error);
    } finally {
      this.inFlight -= 1;
    }
  }

  async drain(deadline: number): Promise<void> {
    while (this.inFlight > 0 && performance.now() < deadline) await delay(5);
    // Whatever is still running past the drain deadline is a failure of the system under test.
    this.errors += this.inFlight;
  }

  result(elapsedSeconds: number): LoadRound {
    return {
      elapsedSeconds,
      completed: this.latenciesMs.length,
      errors: this.errors,
      latenciesMs: this.latenciesMs,
      ...(this.firstError === undefined ? {} : { firstError: this.firstError }),
    };
  }
}

/**
 * Open-loop arrivals at a fixed rate: arrival i is due at start + i/rate whether or not earlier ones
 * finished, and its latency counts from when it was due, so a stalled server cannot hide its queue
 * (no coordinated omission).
 */
export async function openLoop(options: { ratePerSecond: number; durationSeconds: number; drainSeconds: number; task: Task }): Promise<LoadRound> {
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const tally = new Tally();
  const start = performance.now();
  let launched = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      while (launched < total && start + launched * intervalMs <= now) {
        void tally.track(options.task, launched, start + launched * intervalMs);
        launched += 1;
      }
      if (launched >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await tally.drain(performance.now() + options.drainSeconds * 1000);
  return tally.result(options.durationSeconds);
}

/** Saturation: `concurrency` clients each run tasks back to back until the time is up. */
export async function closedLoop(options: { concurrency: number; durationSeconds: number; task: Task }): Promise<LoadRound> {
  const tally = new Tally();
  const start = performance.now();
  const stopAt = start + options.durationSeconds * 1000;
  let next = 0;
  const client = async () => {
    while (performance.now() < stopAt) {
      const index = next++;
      await tally.track(options.task, index, performance.now());
    }
  };
  // Tasks bound their own time (long-poll wait, PeerJS answer timeout), so every client ends.
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return tally.result((performance.now() - start) / 1000);
}
