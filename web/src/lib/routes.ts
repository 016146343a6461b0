// The app's URLs and how a path maps to a page (pure, tested by node --test).
export type Route =
  | { page: 'vehicles' }
  | { page: 'vehicle'; id: string; tab: 'overview' | 'fuel' | 'maintenance' }
  | { page: 'stations' }
  | { page: 'not-found' };

const UUID = '[0-9a-fA-F-]{36}';

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/vehicles') return { page: 'vehicles' };
  if (path === '/stations') return { page: 'stations' };
  const m = new RegExp(`^/vehicles/(${UUID})(?:/(fuel|maintenance))?$`).exec(path);
  if (m) return { page: 'vehicle', id: m[1].toLowerCase(), tab: (m[2] as 'fuel' | 'maintenance' | undefined) ?? 'overview' };
  return { page: 'not-found' };
}

export const paths = {
  vehicles: () => '/',
  vehicle: (id: string) => `/vehicles/${id}`,
  fuel: (id: string) => `/vehicles/${id}/fuel`,
  maintenance: (id: string) => `/vehicles/${id}/maintenance`,
  stations: () => '/stations',
};
