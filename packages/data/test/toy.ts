import { type UserItemRow, userItemsFromRows } from "../src/index.js";

/** A small matrix from [user, item, time] triples. */
export const toyMatrix = (numUsers: number, numItems: number, triples: [number, number, number][]) =>
  userItemsFromRows(
    numUsers,
    numItems,
    triples.map(([user, item, time]): UserItemRow => ({ user, item, time, value: 1 })),
  );
