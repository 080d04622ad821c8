import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/**
 * Layout and accessibility checks of whatever screen the page shows now, for every kiosk display size.
 *
 * What counts: every visible interactive element (button, a, input, select, textarea, [role=button],
 * [role=tab]), every element marked `data-key-content` (QR codes, Start, Finish, the out-of-service
 * reason, the receipt's points, the voucher number) and every element that holds text of its own.
 * Each must lie inside the viewport; no two may overlap (an element and its own ancestors or
 * descendants excepted; an invisible control, the technicians' hidden corner, may lie over plain text
 * but not over a control or key content); interactive ones must be at least 48 px both ways. A kiosk cannot scroll: the
 * page must not be larger than the viewport and no `overflow: hidden` box may cut its content. The one
 * exception is a region marked `data-scroll-region` (the maintenance tab body, the setup form): it
 * scrolls by itself and must itself lie inside the viewport; its content is checked where it is visible
 * (clipped to the region), and what is scrolled out of view is reachable by scrolling, not lost.
 * While a modal dialog is open (`aria-modal="true"`) only the dialog is checked: it covers the rest.
 */
export const MIN_TARGET_PX = 48;

// A string: the page runs it, and the tests' TypeScript has no DOM types (nor would esbuild's helpers
// survive serialising a function).
const PROBE = `(() => {
  const vw = window.innerWidth, vh = window.innerHeight, MIN = ${MIN_TARGET_PX}, EPS = 1;
  const problems = [];
  const name = (el) => {
    const id = el.getAttribute('data-key-content') || el.getAttribute('data-testid') || el.getAttribute('aria-label');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
      (id ? '[' + id + ']' : '') + (text ? ' "' + text + '"' : '');
  };
  const modal = [...document.querySelectorAll('[aria-modal="true"]')].pop();
  const scope = modal || document.body;
  for (const el of [document.documentElement, document.body, ...scope.querySelectorAll('*')]) {
    const s = getComputedStyle(el);
    const clips = (v) => v === 'hidden' || v === 'clip';
    if (el.tagName === 'CANVAS' || el.closest('svg')) continue;
    if (el.hasAttribute('data-scroll-region')) continue;
    if ((clips(s.overflowX) || el === document.documentElement) && el.scrollWidth > el.clientWidth + EPS)
      problems.push('cut across: ' + name(el) + ' (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
    if ((clips(s.overflowY) || el === document.documentElement) && el.scrollHeight > el.clientHeight + EPS)
      problems.push('cut below: ' + name(el) + ' (' + el.scrollHeight + ' > ' + el.clientHeight + ')');
  }
  const INTERACTIVE = 'button, a[href], input, select, textarea, [role=button], [role=tab]';
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
  const shown = (el) => {
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const items = [];
  for (const el of scope.querySelectorAll('*')) {
    const interactive = el.matches(INTERACTIVE) && !(el.tagName === 'INPUT' && el.type === 'hidden');
    const key = el.hasAttribute('data-key-content');
    if (!interactive && !key && !ownText(el)) continue;
    if (!shown(el) || el.closest('[aria-hidden="true"]') || el.closest('option, datalist, title, style, script')) continue;
    // Invisible text is no content; an invisible button still takes taps (the technicians' hidden corner).
    if (!interactive && Number(getComputedStyle(el).opacity) === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width < EPS || r.height < EPS) { if (key) problems.push('key content has no size: ' + name(el)); continue; }
    // Text that wraps: one box per line (the bounding box of two half lines would cover its neighbours).
    let boxes = (getComputedStyle(el).display === 'inline' ? [...el.getClientRects()] : [r]).map((b) => ({ left: b.left, top: b.top, right: b.right, bottom: b.bottom }));
    const region = el.parentElement && el.parentElement.closest('[data-scroll-region]');
    if (region && scope.contains(region)) {
      const c = region.getBoundingClientRect();
      boxes = boxes
        .map((b) => ({ left: Math.max(b.left, c.left), top: Math.max(b.top, c.top), right: Math.min(b.right, c.right), bottom: Math.min(b.bottom, c.bottom) }))
        .filter((b) => b.right - b.left > EPS && b.bottom - b.top > EPS);
      if (boxes.length === 0) continue; // scrolled out of view: reachable by scrolling
    }
    const invisible = interactive && Number(getComputedStyle(el).opacity) === 0;
    items.push({ el, boxes, interactive, key, invisible });
    if (boxes.some((b) => b.left < -EPS || b.top < -EPS || b.right > vw + EPS || b.bottom > vh + EPS))
      problems.push('outside the ' + vw + 'x' + vh + ' viewport: ' + name(el) + ' at ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
    if (interactive && (r.width < MIN - EPS || r.height < MIN - EPS))
      problems.push('touch target under ' + MIN + ' px: ' + name(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
    if ((interactive || key) && el.scrollWidth > el.clientWidth + EPS && el.clientWidth > 0 && getComputedStyle(el).display !== 'inline')
      problems.push('content wider than its box: ' + name(el) + ' (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
  }
  const meet = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > EPS && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > EPS;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      // An invisible control (the technicians' corner) may lie over plain text, never over a control or key content.
      if ((a.invisible && !b.interactive && !b.key) || (b.invisible && !a.interactive && !a.key)) continue;
      if (a.boxes.some((x) => b.boxes.some((y) => meet(x, y)))) problems.push('overlap: ' + name(a.el) + ' and ' + name(b.el));
    }
  }
  return problems;
})()`;

/** What is wrong with the layout on screen now (empty when it fits). */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(PROBE);
}

/** Key content the screen marks (names from data-key-content) that is visible now. */
export function keyContent(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...document.querySelectorAll('[data-key-content]')].filter((e) => e.getClientRects().length > 0).map((e) => e.getAttribute('data-key-content'))`,
  );
}

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

/** axe-core's serious and critical violations on the page now, one line each (rule, impact, where). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: the kiosk's CSP refuses inline scripts (as it should).
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(AXE);
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ' (' + v.impact + ', ' + v.nodes.length + '): ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim()).join(' | ')))`);
}
