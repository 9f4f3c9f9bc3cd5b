/** External identifiers are strings everywhere, whatever the source file used. */
export type UserId = string;
export type ItemId = string;

/** A catalogue entry. Everything except `id` and `title` is optional; text fields feed the encoder. */
export interface Item {
  id: ItemId;
  title: string;
  /** Free text fields by name, e.g. `{ description: "..." }`. */
  text?: Record<string, string>;
  /** Genres, tags, categories: short labels. */
  tags?: string[];
  /** What `tags` are called in the source, for item text ("Genres" for MovieLens). Default "Genres". */
  tagsLabel?: string;
  /** Structured attributes (year, price, brand...). */
  attributes?: Record<string, string | number | boolean>;
}

/** What a user did with an item. `value` is a rating or a weight; `kind` names the event type. */
export interface Interaction {
  user: UserId;
  item: ItemId;
  value: number;
  /** Seconds since the Unix epoch. */
  timestamp: number;
  kind: string;
}
