import { performance } from 'node:perf_hooks';

/** Wall-clock allowance for the run: cases that would not fit are skipped and reported as such. */
export class Budget {
  readonly #endsAt: number;
  constructor(seconds: number) {
    this.#endsAt = performance.now() + seconds * 1000;
  }
  remainingSeconds(): number {
    return (this.#endsAt - performance.now()) / 1000;
  }
  allows(estimatedSeconds: number): boolean {
    return this.remainingSeconds() >= estimatedSeconds;
  }
}
