// Query and route parameters as the pages use them: anything odd falls back
// to a sensible default instead of an error page.

type Param = string | string[] | undefined;

const first = (value: Param) => (Array.isArray(value) ? value[0] : value);

/** A page number ≥ 1 (default 1). */
export function pageParam(value: Param): number {
  const text = first(value);
  const n = text && /^\d{1,6}$/.test(text) ? Number(text) : 1;
  return n >= 1 ? n : 1;
}

/** A trimmed search text of at most 100 characters, or undefined. */
export function textParam(value: Param): string | undefined {
  const text = first(value)?.trim().slice(0, 100);
  return text ? text : undefined;
}

/** A positive integer id, or undefined (the page answers 404). */
export function idParam(value: Param): number | undefined {
  const text = first(value);
  const n = text && /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
