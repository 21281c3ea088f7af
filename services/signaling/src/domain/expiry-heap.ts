/** An entry that knows when it is due and where it sits in the heap (-1 when outside it). */
export interface Expiring {
  readonly due: number;
  heapIndex: number;
}

/**
 * Min-heap of entries by `due`, with removal of any entry in O(log n): lets one timer serve every
 * waiting long-poll (armed for the earliest), where a timer each cost a `Timeout` and a closure per
 * waiter.
 */
export class ExpiryHeap<T extends Expiring> {
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    this.#items.push(item);
    this.#up(this.#items.length - 1);
  }

  remove(item: T): void {
    const index = item.heapIndex;
    if (index < 0 || this.#items[index] !== item) return;
    item.heapIndex = -1;
    const last = this.#items.pop() as T;
    if (index === this.#items.length) return;
    this.#place(last, index);
    this.#up(index);
    this.#down(last.heapIndex);
  }

  /** Moves `index`'s entry towards the root while it is due before its parent. */
  #up(index: number): void {
    const item = this.#items[index] as T;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = this.#items[parentIndex] as T;
      if (parent.due <= item.due) break;
      this.#place(parent, index);
      index = parentIndex;
    }
    this.#place(item, index);
  }

  /** Moves `index`'s entry towards the leaves while a child is due before it. */
  #down(index: number): void {
    const items = this.#items;
    const item = items[index] as T;
    for (let child = 2 * index + 1; child < items.length; child = 2 * index + 1) {
      if (child + 1 < items.length && (items[child + 1] as T).due < (items[child] as T).due) child += 1;
      const smaller = items[child] as T;
      if (item.due <= smaller.due) break;
      this.#place(smaller, index);
      index = child;
    }
    this.#place(item, index);
  }

  #place(item: T, index: number): void {
    this.#items[index] = item;
    item.heapIndex = index;
  }
}
