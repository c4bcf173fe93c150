'use client';
// Favourite students, kept in React state on this page only: a small piece of
// client state (the HMR test shows it survives an edit of the page).
import { createContext, useContext, useState, type ReactNode } from 'react';

interface Favourites {
  ids: ReadonlySet<number>;
  toggle(id: number): void;
}

const FavouritesContext = createContext<Favourites | null>(null);

export function FavouritesProvider({ children }: { children: ReactNode }) {
  const [ids, setIds] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setIds((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return <FavouritesContext.Provider value={{ ids, toggle }}>{children}</FavouritesContext.Provider>;
}

function useFavourites(): Favourites {
  const favourites = useContext(FavouritesContext);
  if (!favourites) throw new Error('useFavourites outside FavouritesProvider');
  return favourites;
}

export function FavouriteToggle({ id, name }: { id: number; name: string }) {
  const { ids, toggle } = useFavourites();
  const on = ids.has(id);
  return (
    <button
      type="button"
      className={on ? 'star on' : 'star'}
      aria-pressed={on}
      aria-label={on ? `Remove ${name} from favourites` : `Add ${name} to favourites`}
      data-testid={`favourite-${id}`}
      onClick={() => toggle(id)}
    >
      {on ? '★' : '☆'}
    </button>
  );
}

export function FavouritesCount() {
  const { ids } = useFavourites();
  return (
    <span className="favourites" data-testid="favourites-count">
      ★ {ids.size} {ids.size === 1 ? 'favourite' : 'favourites'}
    </span>
  );
}
