/** MovieLens titles end with the year: "Toy Story (1995)". Splits it off when present. */
export function splitTitleYear(raw: string): { title: string; year?: number } {
  const match = /^(.*?)\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$/.exec(raw.trim());
  if (!match) return { title: raw.trim() };
  return { title: match[1]!, year: Number(match[2]) };
}
