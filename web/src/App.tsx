// The shell: sign-in gate, header with navigation, and the page for the current URL.
import { useSyncExternalStore, type ReactNode } from 'react';
import { authStore, initAuth, signOut } from './auth/auth.ts';
import { SignIn } from './pages/SignIn.tsx';
import { VehiclesPage } from './pages/Vehicles.tsx';
import { VehiclePage } from './pages/Vehicle.tsx';
import { StationsPage } from './pages/Stations.tsx';
import { Notices } from './components/Notices.tsx';
import { Link, Loading } from './components/ui.tsx';
import { usePathname } from './lib/hooks.ts';
import { matchRoute, paths } from './lib/routes.ts';

export function App() {
  const auth = useSyncExternalStore(authStore.subscribe, authStore.get);
  const pathname = usePathname();
  const route = matchRoute(pathname);

  let content: ReactNode;
  if (auth.status === 'loading') content = <Loading label="Starting…" />;
  else if (auth.status === 'error') {
    content = (
      <div className="alert error" role="alert">
        <p>{auth.message}</p>
        <button type="button" onClick={() => void initAuth()}>Try again</button>
      </div>
    );
  } else if (auth.status === 'signed-out') content = <SignIn config={auth.config} reason={auth.reason} />;
  else if (route.page === 'vehicles') content = <VehiclesPage />;
  else if (route.page === 'vehicle') content = <VehiclePage key={route.id} id={route.id} tab={route.tab} />;
  else if (route.page === 'stations') content = <StationsPage />;
  else {
    content = (
      <div className="alert info" role="alert">
        <h1>Page not found</h1>
        <p>There is nothing at this address. <Link to={paths.vehicles()}>Go to your vehicles</Link></p>
      </div>
    );
  }

  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <Link to={paths.vehicles()} className="brand">MotoVaultPro</Link>
        {auth.status === 'signed-in' ? (
          <>
            <nav aria-label="Main">
              <Link to={paths.vehicles()} current={route.page === 'vehicles' || route.page === 'vehicle'}>Vehicles</Link>
              <Link to={paths.stations()} current={route.page === 'stations'}>Stations</Link>
            </nav>
            <div className="user">
              <span className="user-name" title="Signed in as">{auth.user}</span>
              <button type="button" className="secondary" onClick={() => void signOut()}>Sign out</button>
            </div>
          </>
        ) : null}
      </header>
      <Notices />
      <main id="main" className="container">{content}</main>
    </>
  );
}
