import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './transport/api';
import './styles.css';

// A kiosk has no context menu; a long press must not open one.
window.addEventListener('contextmenu', (event) => event.preventDefault());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App connection={connect()} />
  </StrictMode>,
);
