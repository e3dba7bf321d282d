import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, isExternalLink, secureWebPreferences } from '../../../src-main/app/security';
import { ROOT } from '../../helpers/cli';

describe('Electron window security', () => {
  it('isolates and sandboxes the page, with no Node in it', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('has a strict CSP: own scripts only, nothing remote, no plugins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|unsafe-eval|\*/);
  });

  it('allows only the app\'s own pages and sends https links to the OS browser', () => {
    expect(isAppUrl('file:///app/out/renderer/index.html', undefined)).toBe(true);
    expect(isAppUrl('https://example.org/', undefined)).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isExternalLink('https://example.org/docs')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });

  it('is what the main process actually uses: window options, navigation and new windows blocked', () => {
    const main = readFileSync(join(ROOT, 'src-main/app/main.ts'), 'utf8');
    expect(main).toContain('webPreferences: secureWebPreferences(');
    expect(main).toMatch(/setWindowOpenHandler\([\s\S]*?return \{ action: 'deny' \}/);
    expect(main).toMatch(/'will-navigate'[\s\S]*?preventDefault\(\)/);
    expect(main).toMatch(/will-attach-webview[\s\S]*?preventDefault\(\)/);
    expect(main).toContain('setPermissionRequestHandler');
    const preload = readFileSync(join(ROOT, 'src-main/app/preload.ts'), 'utf8');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
  });
});
