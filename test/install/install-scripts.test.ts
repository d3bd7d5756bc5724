import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// npm 11 warns after `npm ci` about every dependency whose install script is
// neither allowed nor denied in package.json's allowScripts. A newcomer's
// first install must print nothing they have to act on, so every package the
// lock file marks as having an install script gets a decision here.
const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

function packagesWithInstallScripts(): string[] {
  const names = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!entry.hasInstallScript || path === '') continue;
    names.add(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  return [...names].sort();
}

describe('install scripts', () => {
  it('the lock file has packages with install scripts (the check below is not vacuous)', () => {
    expect(packagesWithInstallScripts().length).toBeGreaterThan(0);
  });

  it('every package with an install script is allowed or denied in package.json', () => {
    const decided = Object.keys(pkg.allowScripts ?? {});
    const undecided = packagesWithInstallScripts().filter((name) => !decided.includes(name));
    expect(undecided).toEqual([]);
  });
});
