// The replay runs waiting for the worker's answer, by run id (replay-host.ts): slots in two arrays allocated
// once, indexed by the id's low bits (ids count up, so the runs in flight take distinct slots), grown only when
// a slot is still taken by a run started a whole table earlier. Not a Map: with a Map here (entries coming
// and going 200 times a second) the gateway's old generation grew about three times as fast in the shadow
// stage as in the express stage, and only the old generation's collections (mark-compacts, several ms of the
// clients' thread each) take that back; with this table and the runner's smaller closures, no faster than in
// the express stage (docs/shadow.md "Cost"). The likely reason: a Map rebuilds its table every few dozen
// entries, and a table that had reached the old generation keeps what it listed reachable until then.
export class RunTable<T> {
  private ids: number[];
  private values: Array<T | undefined>;
  private mask: number;
  private count = 0;

  constructor(capacity = 64) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.ids = new Array<number>(size).fill(-1);
    this.values = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** `id` is a non-negative integer, never one already in the table (that would grow it without end). */
  set(id: number, value: T): void {
    if (this.ids[id & this.mask] === id) throw new RangeError(`run ${id} is already waiting`);
    while (this.ids[id & this.mask] !== -1) this.grow();
    this.ids[id & this.mask] = id;
    this.values[id & this.mask] = value;
    this.count++;
  }

  get(id: number): T | undefined {
    const slot = id & this.mask;
    return this.ids[slot] === id ? this.values[slot] : undefined;
  }

  delete(id: number): boolean {
    const slot = id & this.mask;
    if (this.ids[slot] !== id) return false;
    this.ids[slot] = -1;
    this.values[slot] = undefined; // nothing of a settled run stays reachable from here
    this.count--;
    return true;
  }

  /** The runs in the table, in slot order (a copy: the caller may delete while it walks them). */
  entries(): Array<[number, T]> {
    const out: Array<[number, T]> = [];
    for (let slot = 0; slot <= this.mask; slot++) {
      const value = this.values[slot];
      if (this.ids[slot] !== -1 && value !== undefined) out.push([this.ids[slot], value]);
    }
    return out;
  }

  /** Twice the slots, every run moved to its slot there; again if two runs would still share one. */
  private grow(): void {
    const live = this.entries();
    for (let size = (this.mask + 1) * 2; ; size *= 2) {
      const slots = new Set(live.map(([id]) => id & (size - 1)));
      if (slots.size < live.length) continue;
      this.ids = new Array<number>(size).fill(-1);
      this.values = new Array<T | undefined>(size).fill(undefined);
      this.mask = size - 1;
      for (const [id, value] of live) {
        this.ids[id & this.mask] = id;
        this.values[id & this.mask] = value;
      }
      return;
    }
  }
}
