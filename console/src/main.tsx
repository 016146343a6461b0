// Entry point of the migration console (bundled by Vite, served by the gateway at /admin/console/).
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(<App />);
