import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './transport/api';
// Bundled fonts: the kiosk may have no internet.
import '@fontsource/noto-sans/latin-400.css';
import '@fontsource/noto-sans/latin-700.css';
import '@fontsource/noto-sans/latin-800.css';
import './styles/base.css';
import './styles/customer.css';
import './styles/maintenance.css';
import './styles/training.css';
import './styles/setup.css';
import './styles/keyboard.css';
import './styles/guide.css';

// A kiosk has no context menu; a long press must not open one.
window.addEventListener('contextmenu', (event) => event.preventDefault());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App connection={connect()} />
  </StrictMode>,
);
