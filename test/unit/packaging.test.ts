import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('electron-builder.yml', () => {
  it('sets the fuses that stop the packaged app being used as a Node runtime or debug target', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs into an asar with native addons unpacked and other platforms of onnxruntime left out', () => {
    expect(config.asar).toBe(true);
    const unpack = config.asarUnpack as string[];
    for (const mod of ['better-sqlite3', 'onnxruntime-node', 'sharp']) {
      expect(
        unpack.some((p) => p.includes(mod)),
        mod,
      ).toBe(true);
    }
    expect(config.npmRebuild).toBe(false);
  });

  it.each(['x64', 'arm64'])('packs only the linux/%s onnxruntime binary', (arch) => {
    // electron-builder expands ${arch} in file patterns, then applies them in order (minimatch).
    const patterns = (config.files as string[]).map((p) => p.replaceAll('${arch}', arch));
    // Production node_modules are packed unless a negated pattern drops them.
    const packed = (file: string) =>
      !patterns.some((p) => p.startsWith('!') && minimatch(file, p.slice(1), { dot: true }));
    const bin = (os: string, a: string) =>
      `node_modules/onnxruntime-node/bin/napi-v6/${os}/${a}/onnxruntime_binding.node`;
    const other = arch === 'x64' ? 'arm64' : 'x64';
    expect(packed(bin('linux', arch))).toBe(true);
    expect(packed(bin('linux', other))).toBe(false);
    expect(packed(bin('darwin', 'arm64'))).toBe(false);
    expect(packed(bin('win32', 'x64'))).toBe(false);
  });

  it("passes electron-builder's own configuration schema", async () => {
    // The validator electron-builder runs before every build (its internals: no public export).
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (on: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    const broken = { ...structuredClone(config), deb: { depends: 'ffmpeg', afterInstal: 'x' } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration\.deb/);
  });

  it('makes deb and AppImage packages for x64 and arm64; the deb needs ffmpeg, cage and socat', () => {
    const linux = config.linux as { executableName: string; target: Array<{ target: string; arch: string[] }> };
    expect(linux.executableName).toBe('rvm-kiosk');
    for (const target of ['deb', 'AppImage']) {
      expect(linux.target.find((t) => t.target === target)?.arch).toEqual(['x64', 'arm64']);
    }
    const deb = config.deb as { depends: string[]; afterInstall: string; afterRemove: string; packageName: string };
    expect(deb.packageName).toBe('rvm-kiosk');
    expect(deb.depends).toEqual(expect.arrayContaining(['ffmpeg', 'cage', 'socat']));
    expect(deb.afterInstall).toBe('build/linux/postinst.sh');
    expect(deb.afterRemove).toBe('build/linux/postrm.sh');
  });

  it('ships every boot-to-app file postinst installs', () => {
    const extra = (config.extraResources as Array<{ from: string; to: string; filter?: string[] }>).find(
      (e) => e.from === 'build/linux',
    );
    expect(extra?.to).toBe('linux');
    const postinst = readFileSync('build/linux/postinst.sh', 'utf8');
    for (const file of extra!.filter!) {
      expect(existsSync(join('build/linux', file)), file).toBe(true);
      expect(postinst, `postinst installs ${file}`).toContain(`$LINUX_DIR/${file}`);
    }
    expect(statSync('build/linux/rvm-kiosk-update').mode & 0o111).not.toBe(0);
  });
});

/** What electron-builder does to deb scripts: ${name} macros filled, any other braced name an error. */
function renderDebScript(path: string): string {
  const macros: Record<string, string> = {
    executable: 'rvm-kiosk',
    sanitizedProductName: 'RVM Kiosk',
    productFilename: 'rvm-kiosk',
  };
  return readFileSync(path, 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_, name: string) => {
    if (!(name in macros)) throw new Error(`${path}: \${${name}} is not an electron-builder macro (write $${name})`);
    return macros[name]!;
  });
}

describe('build/linux (boot to app)', () => {
  it.each(['build/linux/postinst.sh', 'build/linux/postrm.sh', 'build/linux/rvm-kiosk-update'])(
    '%s renders and is valid bash',
    (path) => {
      const script = path.endsWith('.sh') ? renderDebScript(path) : readFileSync(path, 'utf8');
      const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    },
  );

  it('postinst creates the kiosk user with camera and serial access, and enables the unit', () => {
    const postinst = renderDebScript('build/linux/postinst.sh');
    expect(postinst).toContain("APP_DIR='/opt/RVM Kiosk'");
    expect(postinst).toMatch(/useradd --system .*rvm-kiosk|useradd --system[\s\S]*"\$KIOSK_USER"/);
    expect(postinst).toMatch(/for group in video render input dialout/);
    expect(postinst).toContain('systemctl enable rvm-kiosk.service');
    expect(postinst).toContain('/etc/udev/rules.d/70-rvm-kiosk.rules');
    // Deposits are never deleted by removing the package.
    expect(readFileSync('build/linux/postrm.sh', 'utf8')).not.toMatch(/rm -rf? .*\/var\/lib\/rvm-kiosk/);
  });

  const unit = readFileSync('build/linux/rvm-kiosk.service', 'utf8');
  const directive = (name: string) =>
    unit
      .split('\n')
      .filter((l) => l.startsWith(`${name}=`))
      .map((l) => l.slice(name.length + 1));

  it('runs the app under cage on tty1 as the kiosk user, always restarted, with a watchdog', () => {
    expect(directive('User')).toEqual(['rvm-kiosk']);
    expect(directive('TTYPath')).toEqual(['/dev/tty1']);
    expect(directive('ExecStart')[0]).toMatch(/^\/usr\/bin\/cage -s -- \/usr\/bin\/rvm-kiosk\b/);
    expect(directive('Restart')).toEqual(['always']);
    expect(Number(directive('WatchdogSec')[0])).toBeGreaterThanOrEqual(30);
    // The app is cage's child, not the main PID.
    expect(directive('NotifyAccess')).toEqual(['all']);
    expect(directive('SupplementaryGroups')[0]).toMatch(/video.*dialout|dialout.*video/);
    expect(directive('Environment')).toContain('RVM_DATA_DIR=/var/lib/rvm-kiosk');
  });

  it('passes systemd-analyze verify (apart from cage and the app not being installed on this machine)', () => {
    const which = spawnSync('sh', ['-c', 'command -v systemd-analyze']);
    if (which.status !== 0) {
      console.warn('systemd-analyze is not installed: unit file lint skipped');
      return;
    }
    const run = spawnSync('systemd-analyze', ['verify', 'build/linux/rvm-kiosk.service'], { encoding: 'utf8' });
    const problems = `${run.stdout}${run.stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '')
      .filter((l) => !/Command \/usr\/bin\/(cage|rvm-kiosk) is not executable/.test(l));
    expect(problems).toEqual([]);
  });

  it('gives the kiosk user the cameras and the controller serial ports', () => {
    const rules = readFileSync('build/linux/70-rvm-kiosk.rules', 'utf8');
    expect(rules).toMatch(/SUBSYSTEM=="video4linux".*GROUP="video"/);
    expect(rules).toMatch(/KERNEL=="ttyUSB\[0-9\]\*".*GROUP="dialout"/);
    expect(rules).toMatch(/KERNEL=="ttyACM\[0-9\]\*".*GROUP="dialout"/);
    const udevadm = spawnSync('sh', ['-c', 'command -v udevadm']);
    if (udevadm.status === 0) {
      const run = spawnSync('udevadm', ['verify', 'build/linux/70-rvm-kiosk.rules'], { encoding: 'utf8' });
      // udevadm verify exists from systemd 254; older ones say "Unknown command".
      if (!/Unknown (command|verb)/i.test(run.stderr)) expect(run.status, run.stderr).toBe(0);
    }
  });

  it('points at the built main entry and pins every dependency exactly', () => {
    expect(pkg.main).toBe('dist/main/electron-main.js');
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(pkg.devDependencies.node).toMatch(/^24\./);
    expect(pkg.devDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
  });
});
