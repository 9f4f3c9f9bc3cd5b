import { NotFoundError } from "./errors.js";

/**
 * A dense, bidirectional map between external string ids and integer indexes 0..size-1.
 * Models and metrics work on the indexes; everything user-facing speaks the external ids.
 */
export class IdMap {
  private readonly toIndex = new Map<string, number>();
  private readonly toId: string[] = [];

  constructor(
    readonly kind: "user" | "item" = "item",
    ids: Iterable<string> = [],
  ) {
    for (const id of ids) this.add(id);
  }

  get size(): number {
    return this.toId.length;
  }

  /** Returns the index of `id`, assigning the next one if it is new. */
  add(id: string): number {
    let index = this.toIndex.get(id);
    if (index === undefined) {
      index = this.toId.length;
      this.toIndex.set(id, index);
      this.toId.push(id);
    }
    return index;
  }

  has(id: string): boolean {
    return this.toIndex.has(id);
  }

  /** Index of `id`, or undefined when unknown. */
  find(id: string): number | undefined {
    return this.toIndex.get(id);
  }

  /** Index of `id`; throws a typed NotFoundError when unknown. */
  index(id: string): number {
    const index = this.toIndex.get(id);
    if (index === undefined) throw new NotFoundError(this.kind, id);
    return index;
  }

  id(index: number): string {
    const id = this.toId[index];
    if (id === undefined) throw new NotFoundError(this.kind, `#${index}`);
    return id;
  }

  ids(): readonly string[] {
    return this.toId;
  }
}
