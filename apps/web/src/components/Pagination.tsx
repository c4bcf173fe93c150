import Link from 'next/link';

interface Props {
  page: number;
  pageSize: number;
  total: number;
  /** The list's path, e.g. "/" or "/courses". */
  path: string;
  /** Other query parameters to keep (e.g. the search). */
  params?: Record<string, string | undefined>;
  noun: string;
}

export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / Math.max(1, pageSize)));

/** "Page 2 of 5 · 93 students" with previous/next links that keep the other query parameters. */
export function Pagination({ page, pageSize, total, path, params = {}, noun }: Props) {
  const pages = pageCount(total, pageSize);
  const href = (target: number) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
    if (target > 1) query.set('page', String(target));
    const text = query.toString();
    return text ? `${path}?${text}` : path;
  };
  return (
    <nav className="pagination" aria-label="pagination" data-testid="pagination">
      {page > 1 ? (
        <Link href={href(page - 1)} rel="prev" prefetch={false}>
          ← Previous
        </Link>
      ) : (
        <span className="disabled">← Previous</span>
      )}
      <span>
        Page {page} of {pages} · {total} {noun}
      </span>
      {page < pages ? (
        <Link href={href(page + 1)} rel="next" prefetch={false}>
          Next →
        </Link>
      ) : (
        <span className="disabled">Next →</span>
      )}
    </nav>
  );
}
