import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { contentTypeFor, CONTENT_SECURITY_POLICY, resolveAsset } from './renderer-assets';

const t = tempDir('rvm-assets-');
const root = join(t.dir, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'app.js'), '');
writeFileSync(join(t.dir, 'secret.txt'), 'outside');
symlinkSync(join(t.dir, 'secret.txt'), join(root, 'link.txt'));
afterAll(() => t.cleanup());

describe('resolveAsset', () => {
  it('serves index.html for / and files inside the root', () => {
    expect(resolveAsset(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveAsset(root, '/assets/app.js?v=1')).toBe(join(root, 'assets', 'app.js'));
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/link.txt',
    '/assets',
    '/missing.js',
  ])('refuses %s', (path) => {
    expect(resolveAsset(root, path)).toBeUndefined();
  });

  it('names content types and forbids inline script in the CSP', () => {
    expect(contentTypeFor('a.js')).toMatch(/javascript/);
    expect(contentTypeFor('a.bin')).toBe('application/octet-stream');
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});
